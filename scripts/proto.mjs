#!/usr/bin/env node
// Regenerates libs/contracts/src/gen from proto/ with buf and protoc-gen-es (both from npm).
// With --check, generates into a temporary folder and fails when the committed code differs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const committed = join(root, 'libs/contracts/src');
const check = process.argv.includes('--check');
if (process.argv.includes('--help')) {
  console.log('usage: npm run proto [-- --check]\n  regenerate libs/contracts/src/gen from proto/; --check only compares');
  process.exit(0);
}

function generate(base) {
  const env = { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` };
  execFileSync('buf', ['generate', '--template', 'buf.gen.yaml', '-o', base], { cwd: join(root, 'proto'), env, stdio: 'inherit' });
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

if (!check) {
  rmSync(join(committed, 'gen'), { recursive: true, force: true });
  generate(committed);
  console.log('regenerated libs/contracts/src/gen');
  process.exit(0);
}

const scratch = mkdtempSync(join(tmpdir(), 'edoc-proto-'));
try {
  generate(scratch);
  const fresh = listFiles(join(scratch, 'gen'));
  const current = listFiles(join(committed, 'gen'));
  const stale = [...new Set([...fresh, ...current])].filter((file) => {
    const a = join(scratch, 'gen', file);
    const b = join(committed, 'gen', file);
    return !existsSync(a) || !existsSync(b) || readFileSync(a, 'utf8') !== readFileSync(b, 'utf8');
  });
  if (stale.length > 0) {
    console.error(`generated contracts are stale (run npm run proto): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(`generated contracts are fresh (${fresh.length} files)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
