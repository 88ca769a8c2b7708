import { createHash } from 'node:crypto';

/**
 * The SHA-256 of what a submission asked for: its metadata (keys in a fixed order, so the same
 * fields in another order are the same request) and the SHA-256 of each of its files, in order.
 * The same Idempotency-Key with another fingerprint is another request, not a retry.
 */
export function requestFingerprint(metadata: unknown, fileSha256s: readonly string[]): string {
  return createHash('sha256').update(stableJson({ metadata, files: fileSha256s })).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
