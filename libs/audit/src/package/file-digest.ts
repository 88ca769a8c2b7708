import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 1 << 20;

/**
 * SHA-256 and size of a file, read a megabyte at a time: a package may hold documents of hundreds
 * of MB, and checking one must not load it. Undefined when there is no regular file at `path`.
 */
export function fileDigest(path: string): { sha256: string; size: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let size = 0;
    for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, size); read > 0; read = readSync(fd, buffer, 0, CHUNK_BYTES, size)) {
      hash.update(buffer.subarray(0, read));
      size += read;
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    closeSync(fd);
  }
}
