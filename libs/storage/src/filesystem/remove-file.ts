import { unlink } from 'node:fs/promises';
import { isErrnoCode } from './fs-errors';

/**
 * Removes one file, if it is there. `rm(path, { force: true })` does the same in three calls to
 * libuv's thread pool (it checks the path with lstat, and its rimraf checks it again before the
 * unlink), each costing the event loop tens of microseconds; this is one. A folder is refused
 * (EISDIR or EPERM), as rm refuses it without `recursive`.
 */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw error;
  }
}
