import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  if (!isSafePackagePath(path)) throw new Error(`refusing to write ${JSON.stringify(path)}: not a path inside the package`);
  const target = join(dir, ...path.split('/'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bytes, { flag: 'wx' });
}
