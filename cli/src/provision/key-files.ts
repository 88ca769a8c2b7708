import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (sub-folders included: orgs/, people/) whose name passes `keep`. */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every private key (*.key.pem) under `dir`. */
export function keyFilesUnder(dir: string): string[] {
  return filesUnder(dir, (name) => name.endsWith('.key.pem'));
}
