import { ftruncateSync } from 'node:fs';

/**
 * Cuts a file an update was being appended to back to its length before: a failed append in place
 * leaves the file as it was. If even that fails, the caller's error stands, for it says more.
 */
export function cutBack(fd: number, length: number): void {
  try {
    ftruncateSync(fd, length);
  } catch {
    // the error that brought us here says more
  }
}
