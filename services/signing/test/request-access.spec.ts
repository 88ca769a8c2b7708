import type { Principal } from '@edoc/identity';
import { refuseActing, refuseReading } from '../src/domain/request-access';

const DISTRICT = '000.00.13.H26';
const WARD = '000.31.13.H26';
const request = { issuerCode: DISTRICT, signerUsername: 'hbt.signer' };
const ID = '5e7f0d7c-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

function principal(username: string, orgCode: string, roles: Principal['roles']): Principal {
  return { userId: username, username, orgCode, roles, displayName: username };
}

describe('who may act on a signature request', () => {
  it('lets the signer it names, in its unit, approve or return it', () => {
    expect(refuseActing(principal('hbt.signer', DISTRICT, ['signer']), request, ID)).toBeUndefined();
  });

  it('refuses the unit\'s clerk and administrator with the reason, and hides the request from another unit', () => {
    expect(refuseActing(principal('hbt.clerk', DISTRICT, ['clerk']), request, ID)).toEqual({ status: 403, reason: 'only the signer named in the request (hbt.signer) approves or returns it; hbt.clerk has no signer role' });
    expect(refuseActing(principal('admin', DISTRICT, ['admin']), request, ID)?.status).toBe(403);
    expect(refuseActing(principal('bachdang.signer', WARD, ['signer']), request, ID)).toEqual({ status: 404, reason: `no signature request ${ID} in ${WARD}` });
  });

  it('refuses another signer of the same unit: the competent person signs, not a colleague', () => {
    expect(refuseActing(principal('hbt.deputy', DISTRICT, ['signer']), request, ID)).toEqual({ status: 403, reason: 'the request names hbt.signer as its signer; hbt.deputy cannot approve or return it' });
  });

  it('refuses a user with the signer\'s name but in another unit (names are unique per exchange, units are checked anyway)', () => {
    expect(refuseActing(principal('hbt.signer', WARD, ['signer']), request, ID)?.status).toBe(404);
  });

  it('lets the unit\'s clerks, signers and administrators read it, and nobody else', () => {
    for (const role of ['clerk', 'signer', 'admin'] as const) expect(refuseReading(principal(`x.${role}`, DISTRICT, [role]), request, ID)).toBeUndefined();
    expect(refuseReading(principal('hbt.system', DISTRICT, ['ward-system']), request, ID)?.status).toBe(403);
    expect(refuseReading(principal('bachdang.clerk', WARD, ['clerk']), request, ID)?.status).toBe(404);
  });
});
