import { ForbiddenException } from '@nestjs/common';
import { assertSameOrganisation, type Principal } from '@edoc/identity';

const admin: Principal = { userId: 'a', username: 'admin', orgCode: '000.00.13.H26', roles: ['admin'], displayName: 'Admin' };
const wardSystem: Principal = { userId: 'w', username: 'bachkhoa.system', orgCode: '000.32.13.H26', roles: ['ward-system'], displayName: 'Bách Khoa' };

describe('assertSameOrganisation', () => {
  it('passes for the own organisation', () => {
    expect(() => assertSameOrganisation(wardSystem, '000.32.13.H26', 'report status')).not.toThrow();
  });

  it('refuses another organisation with a sentence naming role and both units', () => {
    expect(() => assertSameOrganisation(wardSystem, '000.33.13.H26', 'report the status of deliveries')).toThrow(
      new ForbiddenException('a ward-system of 000.32.13.H26 cannot report the status of deliveries of 000.33.13.H26'),
    );
  });

  it('lets an administrator through only where the caller allows it', () => {
    expect(() => assertSameOrganisation(admin, '000.33.13.H26', 'read the register')).toThrow('an admin of 000.00.13.H26 cannot read the register of 000.33.13.H26');
    expect(() => assertSameOrganisation(admin, '000.33.13.H26', 'read the register', { allowAdmin: true })).not.toThrow();
    expect(() => assertSameOrganisation(wardSystem, '000.33.13.H26', 'read the register', { allowAdmin: true })).toThrow(ForbiddenException);
  });
});
