import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { streamPackageFile } from '@edoc/audit';
import { fileDigest } from '../src/package/file-digest';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('package files of any size', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'edoc-package-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a file into the package, hashing it on the way', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 7);
    const chunks = Array.from({ length: Math.ceil(data.length / 65_536) }, (_, i) => data.subarray(i * 65_536, (i + 1) * 65_536));
    expect(await streamPackageFile(dir, 'documents/a/document.pdf', Readable.from(chunks))).toEqual({ sha256: sha256(data), size: data.length });
    expect(sha256(readFileSync(join(dir, 'documents', 'a', 'document.pdf')))).toBe(sha256(data));
  });

  it('refuses a path that leaves the package, and a file written twice', async () => {
    await expect(streamPackageFile(dir, '../escape.pdf', Readable.from([Buffer.from('x')]))).rejects.toThrow('not a path inside the package');
    await streamPackageFile(dir, 'once.pdf', Readable.from([Buffer.from('first')]));
    await expect(streamPackageFile(dir, 'once.pdf', Readable.from([Buffer.from('second')]))).rejects.toThrow(/EEXIST/);
    expect(readFileSync(join(dir, 'once.pdf'), 'utf8')).toBe('first');
  });

  it('digests a file in chunks, and gives nothing for a missing file or a folder', () => {
    const data = randomBytes(2 * 1024 * 1024 + 3);
    writeFileSync(join(dir, 'big.pdf'), data);
    mkdirSync(join(dir, 'folder.pdf'));
    expect(fileDigest(join(dir, 'big.pdf'))).toEqual({ sha256: sha256(data), size: data.length });
    expect(fileDigest(join(dir, 'missing.pdf'))).toBeUndefined();
    expect(fileDigest(join(dir, 'folder.pdf'))).toBeUndefined();
  });
});
