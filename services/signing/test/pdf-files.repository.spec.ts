import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { create, FileRefSchema } from '@edoc/contracts';
import { PermanentMessageError } from '@edoc/messaging';
import { FilesystemObjectStore } from '@edoc/storage';
import { filesUnder } from '@edoc/testing';
import { PdfFilesRepository } from '../src/repositories/pdf-files.repository';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('PdfFilesRepository', () => {
  let dataDir: string;
  let store: FilesystemObjectStore;
  let files: PdfFilesRepository;
  const scratch = () => join(dataDir, 'tmp', 'signing');

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'edoc-signing-files-'));
    store = new FilesystemObjectStore(join(dataDir, 'storage', 'edoc-files'));
    files = new PdfFilesRepository(store, { dataDir } as EdocConfig);
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  async function stored(bytes: Buffer) {
    const object = await store.put(bytes);
    return create(FileRefSchema, { objectKey: object.key, sha256: object.sha256, size: BigInt(object.size), fileName: 'cong-van.pdf' });
  }

  it('hands the transform a local copy of the stored bytes and stores what it writes', async () => {
    const original = Buffer.from('%PDF-1.7 original bytes');
    const ref = await stored(original);
    const result = await files.transform(ref, 'cong-van.pdf', async (input, output) => {
      expect(await readFile(input)).toEqual(original);
      await writeFile(output, Buffer.concat([await readFile(input), Buffer.from('\n% signed')]));
    });
    const signed = Buffer.concat([original, Buffer.from('\n% signed')]);
    expect(result).toMatchObject({ objectKey: `sha256/${sha256(signed)}`, sha256: sha256(signed), size: BigInt(signed.length), fileName: 'cong-van.pdf', mediaType: 'application/pdf' });
    expect(await store.get(result.objectKey)).toEqual(signed);
    expect(filesUnder(scratch())).toEqual([]);
  });

  it('removes its scratch files when the transform fails, and passes the failure on', async () => {
    const ref = await stored(Buffer.from('%PDF-1.7'));
    let seen = '';
    await expect(
      files.transform(ref, 'x.pdf', async (input, output) => {
        seen = input;
        await copyFile(input, output);
        throw new Error('the time-stamp authority did not answer');
      }),
    ).rejects.toThrow('the time-stamp authority did not answer');
    expect(existsSync(seen)).toBe(false);
    expect(filesUnder(scratch())).toEqual([]);
  });

  it('refuses for good a claim check whose object hashes to something else, without running the transform', async () => {
    const ref = await stored(Buffer.from('%PDF-1.7 what was submitted'));
    ref.sha256 = sha256(Buffer.from('something else'));
    const transform = jest.fn();
    await expect(files.transform(ref, 'x.pdf', transform)).rejects.toThrow(new PermanentMessageError(`object ${ref.objectKey} does not hash to the claim check's SHA-256 ${ref.sha256}`));
    expect(transform).not.toHaveBeenCalled();
    expect(filesUnder(scratch())).toEqual([]);
  });

  it('refuses for good a claim check that points at no object', async () => {
    const ref = await stored(Buffer.from('%PDF-1.7 soon gone'));
    await store.delete(ref.objectKey);
    await expect(files.transform(ref, 'x.pdf', jest.fn())).rejects.toThrow(PermanentMessageError);
    await expect(files.transform(create(FileRefSchema, { objectKey: '../../etc/passwd', sha256: '' }), 'x.pdf', jest.fn())).rejects.toThrow(/missing object \.\.\/\.\.\/etc\/passwd/);
  });

  it('sweeps scratch folders that a killed process left, when the service starts', async () => {
    await files.transform(await stored(Buffer.from('%PDF')), 'x.pdf', (input, output) => copyFile(input, output));
    const leftover = join(scratch(), 'edoc-leftover');
    await mkdir(leftover);
    const dayAgo = new Date(Date.now() - 86_400_000);
    await utimes(leftover, dayAgo, dayAgo);
    await files.onApplicationBootstrap();
    expect(existsSync(leftover)).toBe(false);
  });
});
