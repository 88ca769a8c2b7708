import { draftFromClaims, type ClaimMapping } from '../src/domain/oidc-claims';
import type { UnitFacts } from '../src/domain/user-input';

const WARD = '000.31.13.H26';
const mapping: ClaimMapping = {
  claims: { username: 'preferred_username', displayName: 'name', unit: 'edoc_unit', roles: 'edoc_roles', position: 'edoc_position' },
  allowedRoles: ['clerk', 'signer', 'unit-admin'],
};
const units = (code: string): UnitFacts => (code === WARD ? { exists: true, channel: 'builtin' } : { exists: false });
const problemsOf = (claims: Record<string, unknown>) => {
  const result = draftFromClaims(claims, mapping, units);
  return result.ok ? [] : result.problems;
};

describe('the user that an OpenID provider\'s claims describe', () => {
  it('takes the username (lower-cased), name, unit and roles from the claims; roles as a list or space-separated', () => {
    expect(draftFromClaims({ preferred_username: 'Lan.Nguyen', name: 'Nguyễn Thị Lan', edoc_unit: WARD, edoc_roles: ['clerk'] }, mapping, units)).toEqual({
      ok: true,
      value: { username: 'lan.nguyen', displayName: 'Nguyễn Thị Lan', orgCode: WARD, roles: ['clerk'] },
    });
    const signer = draftFromClaims({ preferred_username: 'minh', name: 'Trần Minh', edoc_unit: WARD, edoc_roles: 'signer clerk', edoc_position: 'CHỦ TỊCH' }, mapping, units);
    expect(signer).toEqual({ ok: true, value: { username: 'minh', displayName: 'Trần Minh', orgCode: WARD, roles: ['signer', 'clerk'], signer: { position: 'CHỦ TỊCH' } } });
  });

  it('stores names in NFC whatever form the provider sends', () => {
    const decomposed = 'Nguyễn'.normalize('NFD');
    const result = draftFromClaims({ preferred_username: 'lan', name: decomposed, edoc_unit: WARD, edoc_roles: ['clerk'] }, mapping, units);
    expect(result.ok && result.value.displayName).toBe('Nguyễn'.normalize('NFC'));
  });

  it('refuses a user with no unit, naming the claim', () => {
    expect(problemsOf({ preferred_username: 'lan', edoc_roles: ['clerk'] })).toEqual([expect.stringMatching(/names no unit \(claim "edoc_unit"\)/)]);
    expect(problemsOf({ preferred_username: 'lan', edoc_unit: '  ', edoc_roles: ['clerk'] })).toEqual([expect.stringMatching(/names no unit/)]);
  });

  it('refuses a unit the directory does not have, naming the claim rather than a form field', () => {
    expect(problemsOf({ preferred_username: 'lan', edoc_unit: 'NOWHERE', edoc_roles: ['clerk'] })).toEqual(['claim "edoc_unit": NOWHERE is not a unit of the directory']);
  });

  it('accepts only the roles single sign-on may give: not district administration unless allowed, never a ward system', () => {
    expect(problemsOf({ preferred_username: 'boss', edoc_unit: WARD, edoc_roles: ['admin'] })).toEqual([expect.stringMatching(/no edoc role that single sign-on accepts \(claim "edoc_roles": admin; accepted: clerk, signer, unit-admin\)/)]);
    expect(problemsOf({ preferred_username: 'bot', edoc_unit: WARD })).toEqual([expect.stringMatching(/edoc_roles": none/)]);
    const mixed = draftFromClaims({ preferred_username: 'lan', edoc_unit: WARD, edoc_roles: ['clerk', 'admin', 'ward-system'] }, mapping, units);
    expect(mixed.ok && mixed.value.roles).toEqual(['clerk']);
  });

  it('refuses a signer without a position, and a username edoc cannot hold', () => {
    expect(problemsOf({ preferred_username: 'minh', edoc_unit: WARD, edoc_roles: ['signer'] })).toEqual([expect.stringMatching(/^claim "edoc_position": required for a signer/)]);
    expect(problemsOf({ preferred_username: 'minh@example.gov.vn', edoc_unit: WARD, edoc_roles: ['clerk'] })).toEqual([expect.stringMatching(/^claim "preferred_username": 2-63 lower-case letters/)]);
    expect(problemsOf({ edoc_unit: WARD, edoc_roles: ['clerk'] })).toEqual([expect.stringMatching(/has no username \(claim "preferred_username"\)/)]);
  });
});
