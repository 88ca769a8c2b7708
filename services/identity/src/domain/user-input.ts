import { COMPETENCE_PREFIXES, isRole, type CompetencePrefix, type Role, type SignerInfo } from '@edoc/identity';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export interface UserDraft {
  username: string;
  displayName: string;
  orgCode: string;
  roles: Role[];
  signer?: SignerInfo;
}

/** What the unit is, as far as the rules of users care. */
export interface UnitFacts {
  exists: boolean;
  /** A ward system consumes its own queue: only such a unit may have a ward-system user. */
  channel?: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** A new user as an administrator sent it: every problem at once, each naming the field. */
export function checkNewUser(body: unknown, unit: (code: string) => UnitFacts): Checked<UserDraft> {
  const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const problems: string[] = [];
  const username = typeof input.username === 'string' ? input.username.trim() : '';
  if (!USERNAME.test(username)) problems.push('username: 2-63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');
  const displayName = typeof input.displayName === 'string' ? input.displayName.trim() : '';
  if (displayName === '' || displayName.length > 200) problems.push('displayName: required, at most 200 characters (the full name printed under signed documents)');
  const orgCode = typeof input.orgCode === 'string' ? input.orgCode.trim() : '';
  if (orgCode === '') problems.push('orgCode: required (the unit the user belongs to)');
  else if (!unit(orgCode).exists) problems.push(`orgCode: ${orgCode} is not a unit of the directory`);
  const roles = checkRoles(input.roles, input.signer, unit(orgCode), problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { username, displayName, orgCode, roles: roles.roles, ...(roles.signer === undefined ? {} : { signer: roles.signer }) } };
}

/** New roles (and the signature block a signer needs) for a user of `unit`. */
export function checkRoleChange(body: unknown, unit: UnitFacts): Checked<{ roles: Role[]; signer?: SignerInfo }> {
  const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const problems: string[] = [];
  const result = checkRoles(input.roles, input.signer, unit, problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: result };
}

function checkRoles(rawRoles: unknown, rawSigner: unknown, unit: UnitFacts, problems: string[]): { roles: Role[]; signer?: SignerInfo } {
  const list = typeof rawRoles === 'string' ? [rawRoles] : Array.isArray(rawRoles) ? rawRoles : [];
  if (list.length === 0) problems.push('roles: at least one of clerk, signer, admin, unit-admin, ward-system');
  for (const role of list) if (!isRole(role)) problems.push(`roles: ${JSON.stringify(role)} is not a role (clerk, signer, admin, unit-admin, ward-system)`);
  const roles = [...new Set(list.filter(isRole))];
  if (roles.includes('ward-system') && unit.exists && unit.channel !== 'queue') problems.push('roles: a ward-system user belongs to a unit that consumes its own queue');
  let signer: SignerInfo | undefined;
  if (roles.includes('signer')) {
    const s = typeof rawSigner === 'object' && rawSigner !== null ? (rawSigner as Record<string, unknown>) : {};
    const position = typeof s.position === 'string' ? s.position.trim() : '';
    const competence = typeof s.competence === 'string' && s.competence !== '' ? s.competence : undefined;
    const authority = typeof s.authority === 'string' ? s.authority.trim() : '';
    if (position === '' || position.length > 200) problems.push('signer.position: required for a signer (printed under documents, e.g. "CHỦ TỊCH")');
    if (competence !== undefined && !COMPETENCE_PREFIXES.includes(competence as CompetencePrefix)) problems.push(`signer.competence: one of ${COMPETENCE_PREFIXES.join(' ')}`);
    if (competence !== undefined && authority === '') problems.push('signer.authority: required with a competence prefix (e.g. "ỦY BAN NHÂN DÂN" after "TM.")');
    signer = { ...(competence === undefined ? {} : { competence: competence as CompetencePrefix, authority }), position };
  } else if (rawSigner !== undefined && rawSigner !== null) {
    problems.push('signer: only a user with the signer role has a signature block');
  }
  return { roles, ...(signer === undefined ? {} : { signer }) };
}
