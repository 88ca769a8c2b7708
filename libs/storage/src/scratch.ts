import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
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
 *
 * The folder is made and, when `use` left it empty, removed with synchronous calls: on a local disk
 * each takes a few microseconds, where a trip through libuv's thread pool costs 30-40 µs of CPU
 * and wakes two threads. Signing and archival make several such folders a document.
 */
export async function withScratchFolder<T>(use: (dir: string) => Promise<T>, parent: string = tmpdir()): Promise<T> {
  const dir = makeScratchFolder(parent);
  try {
    return await use(dir);
  } finally {
    await removeScratchFolder(dir);
  }
}

function makeScratchFolder(parent: string): string {
  try {
    return mkdtempSync(join(parent, PREFIX));
  } catch (error) {
    // The parent is made once, on first use, rather than asked for before every folder.
    if (!isErrnoCode(error, 'ENOENT')) throw error;
    mkdirSync(parent, { recursive: true, mode: 0o700 });
    return mkdtempSync(join(parent, PREFIX));
  }
}

async function removeScratchFolder(dir: string): Promise<void> {
  try {
    rmdirSync(dir);
  } catch (error) {
    // Files are left in it (a copy that was read, a failed step): removed in the thread pool,
    // where a large file's unlink does not hold the event loop.
    if (isErrnoCode(error, 'ENOENT')) return;
    if (!isErrnoCode(error, 'ENOTEMPTY', 'EEXIST')) throw error;
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
