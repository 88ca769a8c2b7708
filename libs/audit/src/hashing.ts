import { createHash } from 'node:crypto';

/** The "previous hash" of the first entry of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && HEX_SHA256.test(value);
}
