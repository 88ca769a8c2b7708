import { constants, inflateSync } from 'node:zlib';
import { PdfSignError } from '../errors';
import type { ReadLimits } from './read-budget';

/**
 * Inflates with zlib's own output limit: a bomb stops once it has produced the allowance, so memory
 * never exceeds it, however far the data would inflate. Z_SYNC_FLUSH as the final flush keeps what
 * was decoded when a writer omitted the final block, as readers do.
 */
export function boundedInflate(data: Buffer, what: string, limits: ReadLimits): Buffer {
  const allowance = limits.inflateAllowance();
  if (allowance < 1) throw limits.inflateExceeded(what);
  let out: Buffer;
  try {
    out = inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: allowance, chunkSize: 64 * 1024 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw limits.inflateExceeded(what);
    throw new PdfSignError('MALFORMED_PDF', `${what}: compressed data is corrupt (${(e as Error).message})`);
  }
  limits.chargeInflated(out.length, what);
  return out;
}

/**
 * The first bytes a Flate stream decodes to, for sniffing what an embedded file is: only a small
 * prefix of the input is fed, so the work is bounded whatever the stream holds.
 */
export function inflatePrefix(data: Buffer, bytes: number, limits: ReadLimits): Buffer | undefined {
  try {
    const out = inflateSync(data.subarray(0, 16 * 1024), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.min(limits.inflateAllowance(), 1024 * 1024) });
    limits.chargeInflated(out.length, 'an embedded file');
    return out.subarray(0, bytes);
  } catch (e) {
    if (e instanceof PdfSignError) throw e;
    return undefined; // corrupt or a bomb in its first 16 KB: nothing to sniff
  }
}
