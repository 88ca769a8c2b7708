import { mkdirSync } from 'node:fs';
import { isErrnoCode } from './fs-errors';

/**
 * Runs `create`, which makes a name in `dir`, and makes `dir` only when that failed because it is
 * missing, then runs `create` again. Asking for the folder before every file cost a mkdir(2) each
 * time, and mkdir takes the lock of the folder above even when the folder exists: under
 * `bench:e2e` (200 × 20) archival's nine a document held its event loop 160 µs on average, up to
 * 57 ms. `makeFolder` is there to map a failure to make it.
 */
export function inFolderMadeOnDemand<T>(dir: string, create: () => T, makeFolder: () => void = () => mkdirSync(dir, { recursive: true })): T {
  try {
    return create();
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw error;
    makeFolder();
    return create();
  }
}

/** inFolderMadeOnDemand for a `create` that is asynchronous; `mode` is the mode of the folders it makes. */
export async function inFolderMadeOnDemandAsync<T>(dir: string, create: () => Promise<T>, mode?: number): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw error;
    mkdirSync(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
    return create();
  }
}
