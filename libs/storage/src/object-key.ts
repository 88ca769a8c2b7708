import { InvalidObjectKeyError, StorageError } from './errors';

const KEY_PATTERN = /^sha256\/([0-9a-f]{64})$/;
const HEX_PATTERN = /^[0-9a-f]{64}$/i;

export function objectKeyFor(sha256: string): string {
  return `sha256/${sha256}`;
}

/** The hex digest a key names; throws InvalidObjectKeyError for anything else (also guards paths). */
export function sha256OfKey(key: string): string {
  const match = typeof key === 'string' ? KEY_PATTERN.exec(key) : null;
  if (match === null) throw new InvalidObjectKeyError(String(key));
  return match[1];
}

export function isObjectKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** Accepts upper or lower case, returns lower case; anything else is a caller error. */
export function normaliseSha256(value: string, what = 'expectedSha256'): string {
  if (typeof value !== 'string' || !HEX_PATTERN.test(value)) {
    throw new StorageError('INVALID_SHA256', `${what} must be 64 hexadecimal digits, got "${String(value)}"`);
  }
  return value.toLowerCase();
}
