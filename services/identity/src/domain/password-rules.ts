import { COMMON_PASSWORDS } from './common-passwords';

export const MIN_PASSWORD_LENGTH = 12;
/** argon2 hashes anything, but a megabyte of "password" is an attack on the CPU, not a password. */
export const MAX_PASSWORD_LENGTH = 256;

/** Why a new password is refused (empty when it is acceptable). Never echoes the password. */
export function passwordProblems(password: unknown, username: string): string[] {
  if (typeof password !== 'string') return ['password: required, as text'];
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push(`password: at least ${MIN_PASSWORD_LENGTH} characters (got ${length})`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`password: at most ${MAX_PASSWORD_LENGTH} characters`);
  const folded = password.normalize('NFKC').toLowerCase();
  if (username !== '' && folded === username.toLowerCase()) problems.push('password: must not be the username');
  if (COMMON_PASSWORDS.has(folded)) problems.push('password: is one of the most common passwords; choose another');
  return problems;
}
