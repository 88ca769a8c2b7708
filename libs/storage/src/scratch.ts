import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { isErrnoCode } from './filesystem/fs-errors';
import { ScratchFolderPool } from './scratch-folder-pool';

const PREFIX = 'edoc-';

/**
 * Where a service works on files too big for memory: `<dataDir>/tmp/<purpose>`, on the data disk
 * beside intake's staged uploads rather than in a /tmp that may be held in RAM.
 */
export function scratchPath(config: Pick<EdocConfig, 'dataDir'>, purpose: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(purpose)) throw new Error(`scratch purpose "${purpose}" must be lower-case letters, digits and hyphens`);
  return join(config.dataDir, 'tmp', purpose);
}

/** Folders of finished work, kept empty for the next: see ScratchFolderPool. */
const folders = new ScratchFolderPool(PREFIX);

/**
 * Runs `use` in a private, empty folder under `parent` (the system's temporary folder by default),
 * and afterwards removes everything `use` left in it, whether it succeeded or threw. A folder left
 * empty is kept for the next work rather than removed and made again (ScratchFolderPool).
 */
export async function withScratchFolder<T>(use: (dir: string) => Promise<T>, parent: string = tmpdir()): Promise<T> {
  const dir = folders.take(parent);
  try {
    return await use(dir);
  } finally {
    await folders.give(parent, dir);
  }
}

/** Removes the empty folders kept for later work (as the process does when it exits). */
export function removeIdleScratchFolders(): void {
  folders.drain();
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
