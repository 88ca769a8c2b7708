import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { isErrnoCode } from './filesystem/fs-errors';

const PREFIX = 'edoc-';

/**
 * Where a service works on files too big for memory: `<dataDir>/tmp/<purpose>`, on the data disk
 * beside intake's staged uploads rather than in a /tmp that may be held in RAM.
 */
export function scratchPath(config: Pick<EdocConfig, 'dataDir'>, purpose: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(purpose)) throw new Error(`scratch purpose "${purpose}" must be lower-case letters, digits and hyphens`);
  return join(config.dataDir, 'tmp', purpose);
}

/**
 * Runs `use` in a new private folder under `parent` (the system's temporary folder by default) and
 * removes the folder with everything in it afterwards, whether `use` succeeded or threw.
 */
export async function withScratchFolder<T>(use: (dir: string) => Promise<T>, parent: string = tmpdir()): Promise<T> {
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(parent, PREFIX));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes scratch folders under `parent` older than `ageMs`: what a process killed in the middle
 * of its work left behind (a normal end removes its own). Returns how many went.
 */
export async function sweepScratchFolders(parent: string, ageMs: number, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names.filter((entry) => entry.startsWith(PREFIX))) {
    const path = join(parent, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory() !== true || now - info.mtimeMs <= ageMs) continue;
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
