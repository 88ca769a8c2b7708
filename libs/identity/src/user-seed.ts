import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Directory } from '@edoc/directory';
import { isRole, type Principal, type Role } from './principal';

export const COMPETENCE_PREFIXES = ['TM.', 'Q.', 'KT.', 'TL.', 'TUQ.'] as const;
export type CompetencePrefix = (typeof COMPETENCE_PREFIXES)[number];

/**
 * The signature block under a document: e.g. `TM. ỦY BAN NHÂN DÂN` / `CHỦ TỊCH`, or `KT. CHỦ TỊCH` /
 * `PHÓ CHỦ TỊCH`, then the full name (the user's displayName). A head signing in their own right has
 * no prefix.
 */
export interface SignerInfo {
  competence?: CompetencePrefix;
  /** What the prefix qualifies: the collective body for TM., the absent head for KT./Q./TL./TUQ. */
  authority?: string;
  position: string;
}

export interface SeedUser extends Principal {
  /** Present exactly for users holding the signer role. */
  signer?: SignerInfo;
}

export class UserSeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid user seed: ${problems.join('; ')}`);
    this.name = 'UserSeedError';
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/** EDOC_USERS_FILE, else `demo-users.json` beside the directory file (deploy/seed/ by default). */
export function defaultUserSeedFile(directoryFile: string, env: Record<string, string | undefined> = process.env): string {
  const configured = env.EDOC_USERS_FILE;
  return configured !== undefined && configured !== '' ? configured : join(dirname(directoryFile), 'demo-users.json');
}

/** Reads deploy/seed/demo-users.json (or another file of that format) and checks it against the directory. */
export function loadUserSeed(path: string, directory?: Directory): SeedUser[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserSeedError([`cannot read ${path}: ${(error as Error).message}`]);
  }
  try {
    return parseUserSeed(data, directory);
  } catch (error) {
    if (error instanceof UserSeedError) throw new UserSeedError(error.problems.map((p) => `${path}: ${p}`));
    throw error;
  }
}

/** Every problem is reported at once and names the user. */
export function parseUserSeed(data: unknown, directory?: Directory): SeedUser[] {
  const list = typeof data === 'object' && data !== null ? (data as { users?: unknown }).users : undefined;
  if (!Array.isArray(list)) throw new UserSeedError(['expected an object with a "users" array']);
  const problems: string[] = [];
  const ids = new Set<string>();
  const usernames = new Set<string>();
  const users: SeedUser[] = [];
  list.forEach((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`users[${index}]: must be an object`);
      return;
    }
    const u = raw as Record<string, unknown>;
    const label = typeof u.username === 'string' ? `user "${u.username}"` : `users[${index}]`;
    const before = problems.length;
    if (typeof u.id !== 'string' || u.id.trim() === '') problems.push(`${label}: id is required`);
    else if (ids.has(u.id)) problems.push(`${label}: id "${u.id}" is used twice`);
    if (typeof u.username !== 'string' || !USERNAME.test(u.username)) problems.push(`${label}: username must be 2-63 lower-case letters, digits, ".", "_" or "-"`);
    else if (usernames.has(u.username)) problems.push(`${label}: username is used twice`);
    if (typeof u.displayName !== 'string' || u.displayName.trim() === '') problems.push(`${label}: displayName is required`);
    const org = typeof u.orgCode === 'string' ? directory?.get(u.orgCode) : undefined;
    if (typeof u.orgCode !== 'string') problems.push(`${label}: orgCode is required`);
    else if (directory !== undefined && org === undefined) problems.push(`${label}: organisation "${u.orgCode}" is not in the directory`);
    const roles = Array.isArray(u.roles) ? u.roles : [];
    if (roles.length === 0) problems.push(`${label}: at least one role is required`);
    for (const role of roles) if (!isRole(role)) problems.push(`${label}: role ${JSON.stringify(role)} is unknown (clerk, signer, admin, unit-admin, ward-system)`);
    if (org !== undefined && org.channel === 'axis') problems.push(`${label}: "${org.code}" is an organ outside this exchange (channel "axis"); its people have no accounts here`);
    if (roles.includes('ward-system') && org !== undefined && org.channel !== 'queue') problems.push(`${label}: a ward-system user needs an organisation with channel "queue", "${org.code}" uses "${org.channel}"`);
    const signer = parseSigner(u.signer, label, problems);
    if (roles.includes('signer') && u.signer === undefined) problems.push(`${label}: a signer needs "signer" with the position printed under documents`);
    if (!roles.includes('signer') && u.signer !== undefined) problems.push(`${label}: has "signer" but not the signer role`);
    if (problems.length > before) return;
    ids.add(u.id as string);
    usernames.add(u.username as string);
    users.push({
      userId: u.id as string,
      username: u.username as string,
      displayName: (u.displayName as string).trim(),
      orgCode: u.orgCode as string,
      roles: [...new Set(roles as Role[])],
      ...(signer === undefined ? {} : { signer }),
    });
  });
  if (problems.length > 0) throw new UserSeedError(problems);
  return users;
}

function parseSigner(raw: unknown, label: string, problems: string[]): SignerInfo | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null) {
    problems.push(`${label}: signer must be an object`);
    return undefined;
  }
  const s = raw as Record<string, unknown>;
  if (typeof s.position !== 'string' || s.position.trim() === '') problems.push(`${label}: signer.position is required`);
  if (s.competence !== undefined && !COMPETENCE_PREFIXES.includes(s.competence as CompetencePrefix)) {
    problems.push(`${label}: signer.competence must be one of ${COMPETENCE_PREFIXES.join(' ')}, got ${JSON.stringify(s.competence)}`);
  }
  if (s.competence !== undefined && (typeof s.authority !== 'string' || s.authority.trim() === '')) problems.push(`${label}: signer.authority is required with a competence prefix`);
  if (typeof s.position !== 'string') return undefined;
  return {
    ...(typeof s.competence === 'string' ? { competence: s.competence as CompetencePrefix } : {}),
    ...(typeof s.authority === 'string' ? { authority: s.authority } : {}),
    position: s.position,
  };
}

/** The Principal a token carries for a seeded user (drops the signature block). */
export function principalOf(user: SeedUser): Principal {
  return { userId: user.userId, username: user.username, orgCode: user.orgCode, roles: [...user.roles], displayName: user.displayName };
}
