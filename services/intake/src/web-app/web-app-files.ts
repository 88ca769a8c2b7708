import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

/** Where `npm run build` puts the built web app (web/dist), from this file's place in services/intake/dist. */
export const WEB_APP_DIR = join(__dirname, '..', '..', '..', '..', 'web', 'dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.bcmap': 'application/octet-stream',
};

const assets = new Map<string, { body: Buffer; contentType: string }>();

/**
 * A file of the built app under assets/, or undefined: nothing outside that folder (and no file
 * type it does not serve) can be asked for. Hashed names never change content, so they are cached.
 */
export function webAppAsset(relativePath: string, root = WEB_APP_DIR): { body: Buffer; contentType: string } | undefined {
  const clean = normalize(relativePath).replace(/^(\.\.(\/|\\|$))+/, '');
  if (!clean.startsWith(`assets${sep}`) || clean.includes('..')) return undefined;
  const contentType = TYPES[extname(clean)];
  const file = join(root, clean);
  if (contentType === undefined || !file.startsWith(join(root, 'assets') + sep)) return undefined;
  // Hashed names never change content: each is read from disk once (pdf.js's worker is 1.2 MB).
  const cached = assets.get(file);
  if (cached !== undefined) return cached;
  if (!existsSync(file)) return undefined;
  const asset = { body: readFileSync(file), contentType };
  assets.set(file, asset);
  return asset;
}

let indexHtml: Buffer | undefined;

/** The app's one page; every route of the app (/app/compose, /app/inbox…) answers it. */
export function webAppIndex(root = WEB_APP_DIR): Buffer | undefined {
  if (indexHtml !== undefined) return indexHtml;
  const file = join(root, 'index.html');
  if (!existsSync(file)) return undefined;
  indexHtml = readFileSync(file);
  return indexHtml;
}
