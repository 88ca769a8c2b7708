import { createHash } from 'node:crypto';
import type { FileRef } from '@edoc/contracts';
import { FileCheckError } from './errors';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checks a claim check itself before anything is fetched with it; returns the problem or undefined. */
export function claimCheckProblem(ref: FileRef | undefined, what: string): string | undefined {
  if (ref === undefined) return `${what}: no file reference`;
  if (!SHA256_HEX.test(ref.sha256)) return `${what}: "${ref.sha256}" is not a lower-case hex SHA-256`;
  if (ref.size <= 0n) return `${what}: size ${ref.size} is not a positive number of bytes`;
  if (ref.size > BigInt(Number.MAX_SAFE_INTEGER)) return `${what}: size ${ref.size} is too large`;
  return undefined;
}

/**
 * Trusts bytes only when they are exactly the file the claim check names: same size, same
 * SHA-256. Throws FileCheckError naming what differs.
 */
export function verifyFile(ref: FileRef, bytes: Uint8Array, what = `file ${ref.sha256}`): void {
  const expectedSize = Number(ref.size);
  if (bytes.length !== expectedSize) {
    throw new FileCheckError(`${what}: got ${bytes.length} bytes, the claim check says ${expectedSize}`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== ref.sha256.toLowerCase()) {
    throw new FileCheckError(`${what}: the bytes have SHA-256 ${actual}, the claim check says ${ref.sha256}`);
  }
}
