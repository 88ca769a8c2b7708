import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The files below `dir`, by path relative to it, folders left out: what a piece of work left behind
 * (empty scratch folders are kept for the next work). Named, so that a failure says what was left.
 */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}
