import { readdir, stat } from 'node:fs/promises';
import { removeFile } from '@edoc/storage';
import { join } from 'node:path';

/** Removes the files of `dir` last changed more than `ageMs` ago; a missing folder has none. */
export async function removeFilesOlderThan(dir: string, ageMs: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() === true && Date.now() - info.mtimeMs > ageMs) {
      await removeFile(path);
      removed++;
    }
  }
  return removed;
}
