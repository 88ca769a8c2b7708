import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSafePackagePath } from './package-layout';

/** A new package goes into a new or empty folder: an export never mixes with, or overwrites, other files. */
export function preparePackageFolder(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a folder`);
    if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: give a new or empty folder for the package`);
  }
  mkdirSync(dir, { recursive: true });
}

/** Writes one file of a package; refuses a path that would leave the folder or a file written twice. */
export function writePackageFile(dir: string, path: string, bytes: Buffer): void {
  writeFileSync(packageFileTarget(dir, path), bytes, { flag: 'wx' });
}

/**
 * writePackageFile for a file that arrives as a stream (an archived document of hundreds of MB):
 * written as it comes, never held whole, and hashed on the way so the caller can check it.
 */
export async function streamPackageFile(dir: string, path: string, source: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const target = packageFileTarget(dir, path);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(source, meter, createWriteStream(target, { flags: 'wx' }));
  return { sha256: hash.digest('hex'), size };
}

function packageFileTarget(dir: string, path: string): string {
  if (!isSafePackagePath(path)) throw new Error(`refusing to write ${JSON.stringify(path)}: not a path inside the package`);
  const target = join(dir, ...path.split('/'));
  mkdirSync(dirname(target), { recursive: true });
  return target;
}
