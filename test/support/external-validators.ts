import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** pdfsig's verdict per signature (pdfsig exits 0 even when a signature is broken, so its text is read). */
export async function pdfsigValidity(pdf: Buffer): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-pdfsig-'));
  try {
    const file = join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('pdfsig', ['-nocert', file]);
    return [...stdout.matchAll(/Signature Validation: (.*)/g)].map((m) => m[1].trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** qpdf --check: throws (non-zero exit) when the file is structurally broken. */
export async function qpdfCheck(pdf: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-qpdf-'));
  try {
    const file = join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('qpdf', ['--check', file]);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
