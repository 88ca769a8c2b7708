import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeLargePdf } from '@edoc/testing';

const MB = 1024 * 1024;

describe('writeLargePdf', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'edoc-large-pdf-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a sound PDF of about the asked size and says its size and SHA-256', async () => {
    const pdf = await writeLargePdf(join(dir, 'big.pdf'), 5 * MB, 'Công văn (thử)');
    const bytes = await readFile(pdf.path);
    expect(pdf.size).toBe(bytes.length);
    expect(pdf.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Math.abs(pdf.size - 5 * MB)).toBeLessThan(8192);
    const { stdout } = await promisify(execFile)('qpdf', ['--check', pdf.path]);
    expect(stdout).toContain('No syntax or stream encoding errors');
    expect(bytes.toString('latin1')).toContain('(Cong van \\(thu\\) ');
  });

  it('makes a different file each time, so no store can answer from an earlier run', async () => {
    const [a, b] = await Promise.all([writeLargePdf(join(dir, 'a.pdf'), 100_000), writeLargePdf(join(dir, 'b.pdf'), 100_000)]);
    expect(a.size).toBe(b.size);
    expect(a.sha256).not.toBe(b.sha256);
  });

  it('refuses to overwrite a file', async () => {
    await writeLargePdf(join(dir, 'once.pdf'), 10_000);
    await expect(writeLargePdf(join(dir, 'once.pdf'), 10_000)).rejects.toThrow(/EEXIST/);
  });
});
