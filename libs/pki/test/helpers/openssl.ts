import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch directory with files written from a map; removed afterwards. */
export function inDir<T>(files: Record<string, string | Buffer>, fn: (path: (name: string) => string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-pki-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return fn((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function openssl(args: string[], input?: Buffer): { status: number; output: string } {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

export function opensslBinary(args: string[]): Buffer {
  const r = spawnSync('openssl', args);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

export { readFileSync };
