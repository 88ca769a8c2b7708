import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The page's script and style sheet, plain files served as they are (no front-end build step). */
const ASSETS: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

export const ASSETS_DIR = join(__dirname, '..', '..', 'assets');

const cache = new Map<string, Buffer>();

/** The bytes and type of a known asset, or undefined: no other file of the disk can be asked for. */
export function dashboardAsset(name: string): { body: Buffer; contentType: string } | undefined {
  const contentType = Object.prototype.hasOwnProperty.call(ASSETS, name) ? ASSETS[name] : undefined;
  if (contentType === undefined) return undefined;
  let body = cache.get(name);
  if (body === undefined) {
    body = readFileSync(join(ASSETS_DIR, name));
    cache.set(name, body);
  }
  return { body, contentType };
}
