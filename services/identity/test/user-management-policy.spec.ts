import type { Principal } from '@edoc/identity';
import { managementRefusal, selfLockoutRefusal, visibleUnits } from '../src/domain/user-management-policy';

const principal = (username: string, orgCode: string, roles: Principal['roles']): Principal => ({ userId: `id-${username}`, username, orgCode, roles, displayName: username });
const district = principal('hbt.admin', '000.00.31.H26', ['admin']);
const wardAdmin = principal('bachdang.admin', '000.31.13.H26', ['unit-admin']);
const clerk = principal('bachdang.clerk', '000.31.13.H26', ['clerk']);

describe('who manages whom', () => {
  it('lets the district administrator manage anyone, and see every unit', () => {
    expect(managementRefusal(district, { username: 'x', orgCode: '000.31.14.H26', roles: ['admin'] }, ['admin'])).toBeUndefined();
    expect(visibleUnits(district)).toBeUndefined();
  });

  it('keeps a unit administrator inside its unit and below the district administrator', () => {
    expect(managementRefusal(wardAdmin, { username: 'y', orgCode: '000.31.13.H26', roles: ['clerk'] }, ['signer'])).toBeUndefined();
    expect(managementRefusal(wardAdmin, { username: 'y', orgCode: '000.31.14.H26', roles: ['clerk'] })).toMatch(/cannot manage users of 000\.31\.14\.H26/);
    expect(managementRefusal(wardAdmin, { username: 'hbt.admin', orgCode: '000.31.13.H26', roles: ['admin'] })).toMatch(/district administrator/);
    expect(managementRefusal(wardAdmin, { username: 'y', orgCode: '000.31.13.H26', roles: ['clerk'] }, ['admin'])).toBe('a unit administrator cannot grant the admin role');
    expect(visibleUnits(wardAdmin)).toEqual(['000.31.13.H26']);
  });

  it('refuses a clerk', () => {
    expect(managementRefusal(clerk, { username: 'z', orgCode: '000.31.13.H26', roles: ['clerk'] })).toBe('bachdang.clerk is not an administrator');
  });

  it('stops administrators from locking themselves out', () => {
    expect(selfLockoutRefusal(district, { username: 'hbt.admin', orgCode: '000.00.31.H26', roles: ['admin'] }, 'disable')).toBe('you cannot disable your own account');
    expect(selfLockoutRefusal(district, { username: 'hbt.admin', orgCode: '000.00.31.H26', roles: ['admin'] }, 'set-role', ['clerk'])).toBe('you cannot take the role admin from yourself');
    expect(selfLockoutRefusal(district, { username: 'hbt.admin', orgCode: '000.00.31.H26', roles: ['admin'] }, 'set-role', ['admin', 'clerk'])).toBeUndefined();
    expect(selfLockoutRefusal(district, { username: 'other', orgCode: '000.00.31.H26', roles: ['admin'] }, 'disable')).toBeUndefined();
  });
});
