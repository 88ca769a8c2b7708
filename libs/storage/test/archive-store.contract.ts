import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ArchiveConflictError, InvalidArchiveNameError, ObjectNotFoundError, type ArchiveStore, type LockKind } from '@edoc/storage';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function chunked(data: Buffer, chunkSize: number): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += chunkSize) chunks.push(data.subarray(offset, offset + chunkSize));
  return Readable.from(chunks);
}

function failingAfter(prefix: Buffer, error: Error): Readable {
  return Readable.from(
    (async function* () {
      yield prefix;
      throw error;
    })(),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function describeArchiveStoreContract(backend: string, expectedLock: LockKind, makeStore: () => Promise<ArchiveStore>, cleanup: () => Promise<void>): void {
  describe(`ArchiveStore contract: ${backend}`, () => {
    let store: ArchiveStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(cleanup);

    it(`stores once under the given name, reporting lock "${expectedLock}"`, async () => {
      const data = Buffer.from('issued 05/QĐ-UBND');
      const result = await store.putOnce('2025/000.00.13.H26/05-QĐ-UBND.pdf', data, { mediaType: 'application/pdf', retainUntil: new Date(Date.now() + 86_400_000) });
      expect(result).toEqual({ key: '2025/000.00.13.H26/05-QĐ-UBND.pdf', sha256: sha256(data), locked: expectedLock });
      expect(await store.get(result.key)).toEqual(data);
      expect(await store.stat(result.key)).toEqual({ size: data.length });
    });

    it('refuses to overwrite a name with different bytes, naming it, and keeps the original', async () => {
      await store.putOnce('2025/a.pdf', Buffer.from('first'));
      await expect(store.putOnce('2025/a.pdf', Buffer.from('second'))).rejects.toThrow(ArchiveConflictError);
      await expect(store.putOnce('2025/a.pdf', Buffer.from('third'))).rejects.toThrow('archive object "2025/a.pdf" already exists with different content');
      expect((await store.get('2025/a.pdf')).toString()).toBe('first');
    });

    it('accepts the very same bytes again under the same name (a redelivered message)', async () => {
      const first = await store.putOnce('2025/b.pdf', Buffer.from('same'));
      const again = await store.putOnce('2025/b.pdf', Buffer.from('same'));
      expect(again).toEqual(first);
      expect(await store.list('2025/')).toEqual(['2025/b.pdf']);
    });

    it('stores a multi-chunk stream, hashing it on the way, and streams it back', async () => {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const result = await store.putOnce('2025/stream.pdf', chunked(data, 64 * 1024), { mediaType: 'application/pdf' });
      expect(result).toEqual({ key: '2025/stream.pdf', sha256: sha256(data), locked: expectedLock });
      expect(await store.stat('2025/stream.pdf')).toEqual({ size: data.length });
      expect(sha256(await readAll(await store.getStream('2025/stream.pdf')))).toBe(sha256(data));
    });

    it('takes a stream of the bytes already stored as a repeat, and a stream of other bytes as a conflict', async () => {
      const data = randomBytes(200_000);
      const first = await store.putOnce('2025/c.pdf', Buffer.from(data));
      await expect(store.putOnce('2025/c.pdf', chunked(data, 10_000))).resolves.toEqual(first);
      const other = Buffer.from(data);
      other[other.length - 1] ^= 1;
      await expect(store.putOnce('2025/c.pdf', chunked(other, 10_000))).rejects.toThrow(ArchiveConflictError);
      expect(sha256(await store.get('2025/c.pdf'))).toBe(sha256(data));
    });

    it('leaves nothing under the name when the input stream fails midway, and takes the name afterwards', async () => {
      await expect(store.putOnce('2025/broken.pdf', failingAfter(randomBytes(50_000), new Error('signing output went away')))).rejects.toThrow('signing output went away');
      expect(await store.stat('2025/broken.pdf')).toBeUndefined();
      expect(await store.list('2025/')).toEqual([]);
      await expect(store.putOnce('2025/broken.pdf', Buffer.from('whole'))).resolves.toMatchObject({ key: '2025/broken.pdf' });
    });

    it('gives up a stream it refuses before reading it (a bad name), so its file is not held open', async () => {
      const stream = chunked(Buffer.from('never read'), 4);
      await expect(store.putOnce('../escape.pdf', stream)).rejects.toThrow(InvalidArchiveNameError);
      expect(stream.destroyed).toBe(true);
    });

    it('names what it expected when given neither a Buffer nor a stream', async () => {
      await expect(store.putOnce('2025/text.pdf', 'text' as unknown as Buffer)).rejects.toThrow('putOnce("2025/text.pdf") expects a Buffer or a Readable stream');
    });

    it('lists names under a prefix, sorted', async () => {
      for (const name of ['2025/x/2.pdf', '2025/x/1.pdf', '2025/y/1.pdf', '2024/z.pdf']) await store.putOnce(name, Buffer.from(name));
      expect(await store.list('2025/x/')).toEqual(['2025/x/1.pdf', '2025/x/2.pdf']);
      expect(await store.list('2025/')).toEqual(['2025/x/1.pdf', '2025/x/2.pdf', '2025/y/1.pdf']);
      expect(await store.list()).toEqual(['2024/z.pdf', '2025/x/1.pdf', '2025/x/2.pdf', '2025/y/1.pdf']);
      expect(await store.list('2026/')).toEqual([]);
    });

    it('treats the composed and decomposed spellings of a Vietnamese name as one name', async () => {
      const composed = 'Quyết định/QĐ.pdf'.normalize('NFC');
      const decomposed = composed.normalize('NFD');
      expect(decomposed).not.toBe(composed);
      const result = await store.putOnce(decomposed, Buffer.from('x'));
      expect(result.key).toBe(composed);
      expect((await store.get(composed)).toString()).toBe('x');
      await expect(store.putOnce(composed, Buffer.from('y'))).rejects.toThrow(ArchiveConflictError);
    });

    it.each([
      ['empty', ''],
      ['absolute', '/abs.pdf'],
      ['double slash', 'a//b.pdf'],
      ['trailing slash', 'a/'],
      ['parent segment', '../escape.pdf'],
      ['nested parent segment', 'a/../../b'],
      ['dot segment', '.tmp/x'],
      ['backslash', 'a\\b.pdf'],
      ['control character', 'a\u0000b'],
      ['over 1024 bytes', 'đ'.repeat(600)],
    ])('rejects a name that is %s', async (_label, name) => {
      await expect(store.putOnce(name, Buffer.from('x'))).rejects.toThrow(InvalidArchiveNameError);
    });

    it('rejects a retention date that is not in the future', async () => {
      await expect(store.putOnce('r.pdf', Buffer.from('x'), { retainUntil: new Date(Date.now() - 1000) })).rejects.toThrow(/is not in the future/);
      await expect(store.putOnce('r.pdf', Buffer.from('x'), { retainUntil: new Date('nonsense') })).rejects.toThrow(/must be a valid Date/);
      expect(await store.stat('r.pdf')).toBeUndefined();
    });

    it('reports a missing name as such', async () => {
      await expect(store.get('2025/missing.pdf')).rejects.toThrow(ObjectNotFoundError);
      await expect(store.getStream('2025/missing.pdf')).rejects.toThrow('object "2025/missing.pdf" does not exist');
      expect(await store.stat('2025/missing.pdf')).toBeUndefined();
    });

    it('says whether the backend enforces retention itself', async () => {
      expect(await store.objectLockSupported()).toBe(expectedLock === 'object-lock');
    });
  });
}
