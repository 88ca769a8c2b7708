#!/usr/bin/env node
// Compiles every workspace's src/ to dist/ with SWC (decorator metadata included, which
// Nest's dependency injection needs). Type checking is `npm run typecheck`, not this.
import { transformFile } from '@swc/core';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const packages = ['libs', 'services']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .concat(join(root, 'cli'))
  .filter((dir) => existsSync(join(dir, 'src')));

const started = Date.now();
let count = 0;
await Promise.all(
  packages.map(async (dir) => {
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    const sources = readdirSync(join(dir, 'src'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      .map((entry) => join(entry.parentPath, entry.name));
    for (const source of sources) {
      const out = join(dir, 'dist', relative(join(dir, 'src'), source)).replace(/\.ts$/, '.js');
      const { code, map } = await transformFile(source, { ...swcrc, swcrc: false, filename: source, sourceFileName: relative(dirname(out), source) });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, map ? `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n` : code);
      if (map) writeFileSync(`${out}.map`, map);
      count++;
    }
  }),
);
// The web app (web/, Preact) is bundled by Vite into web/dist, which intake serves at /app.
const webStarted = Date.now();
const { build } = await import('vite');
await build({ configFile: join(root, 'web', 'vite.config.mjs'), logLevel: 'warn' });
if (!process.argv.includes('--quiet')) console.log(`built ${count} files in ${webStarted - started} ms, the web app in ${Date.now() - webStarted} ms`);
