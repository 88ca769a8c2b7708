import { randomUUID } from 'node:crypto';
import { closeSync, fsync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HashingMeter, assertWithinLimit, sha256Hex } from '../hashing';
import { inFolderMadeOnDemandAsync } from './folder-on-demand';
import { removeFile } from './remove-file';

export interface WrittenTemp {
  path: string;
  sha256: string;
  size: number;
}

export interface TempFileOptions {
  /** Refuse input larger than this many bytes (ObjectTooLargeError); nothing is left then. */
  maxBytes?: number;
  /**
   * Flush the file to disk before returning (default true), so a later rename publishes complete
   * bytes. A scratch copy that is never published can skip it.
   */
  durable?: boolean;
}

/**
 * Writes data to a fresh file in `dir`, hashing it on the way (a stream is never held whole). On
 * any failure the temporary file is removed and the error rethrown.
 */
export async function writeTempFile(dir: string, data: Buffer | Readable, opts: TempFileOptions = {}): Promise<WrittenTemp> {
  const { maxBytes, durable = true } = opts;
  const path = join(dir, `${randomUUID()}.part`);
  const handle = await inFolderMadeOnDemandAsync(dir, () => open(path, 'wx', 0o600));
  try {
    let sha256: string;
    let size: number;
    if (Buffer.isBuffer(data)) {
      assertWithinLimit(data.length, maxBytes);
      await handle.writeFile(data);
      sha256 = sha256Hex(data);
      size = data.length;
    } else {
      // A plain loop rather than pipeline(): the handle stays ours to fsync, and a throw here
      // (size limit, failed write) destroys the source stream through the iterator's return().
      const meter = new HashingMeter(maxBytes);
      for await (const chunk of data) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        meter.update(bytes);
        await handle.write(bytes);
      }
      sha256 = meter.digest();
      size = meter.size;
    }
    if (durable) await handle.sync();
    await handle.close();
    return { path, sha256, size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await removeFile(path);
    throw error;
  }
}

const fsyncAsync = promisify(fsync);

/**
 * Makes a rename or link durable: the directory entry itself must reach the disk. Opening and
 * closing the folder are synchronous (microseconds); the flush, which waits for the disk, is not.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}
