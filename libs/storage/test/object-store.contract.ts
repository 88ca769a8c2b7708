import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ChecksumMismatchError, InvalidObjectKeyError, ObjectNotFoundError, ObjectTooLargeError, StorageError, type ObjectStore } from '@edoc/storage';

/** What a backend's test file provides so the same behaviour can be checked on every backend. */
export interface ObjectStoreHarness {
  store: ObjectStore;
  /** Objects (not temporary files) the backend holds right now. */
  countObjects(): Promise<number>;
  /** Replaces an object's bytes behind the store's back, as a disk fault or an intruder would. */
  tamper(key: string, bytes: Buffer): Promise<void>;
  /** Leftover temporary files, where the backend has such a notion. */
  leftoverTemporaries(): Promise<number>;
}

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

export function describeObjectStoreContract(backend: string, makeHarness: () => Promise<ObjectStoreHarness>, cleanup: () => Promise<void>): void {
  describe(`ObjectStore contract: ${backend}`, () => {
    let h: ObjectStoreHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(cleanup);

    it('stores a buffer under sha256/<hex> and gives the same bytes back', async () => {
      const data = Buffer.from('%PDF-1.7 công văn số 123/UBND-VP');
      const stored = await h.store.put(data, { mediaType: 'application/pdf' });
      expect(stored).toEqual({ key: `sha256/${sha256(data)}`, sha256: sha256(data), size: data.length });
      expect(await h.store.get(stored.key)).toEqual(data);
      expect(await h.store.stat(stored.key)).toEqual({ size: data.length });
      expect(await h.store.exists(stored.key)).toBe(true);
      expect(await readAll(await h.store.getStream(stored.key))).toEqual(data);
    });

    it('lists every object it holds, sorted, and nothing else', async () => {
      expect(await h.store.list()).toEqual([]);
      const a = await h.store.put(Buffer.from('văn bản A'));
      const b = await h.store.put(Buffer.from('văn bản B'));
      expect(await h.store.list()).toEqual([a.key, b.key].sort());
      await h.store.delete(a.key);
      expect(await h.store.list()).toEqual([b.key]);
    });

    it('hashes a multi-chunk stream while writing it', async () => {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const stored = await h.store.put(chunked(data, 64 * 1024));
      expect(stored).toEqual({ key: `sha256/${sha256(data)}`, sha256: sha256(data), size: data.length });
      expect(sha256(await readAll(await h.store.getStream(stored.key)))).toBe(sha256(data));
    });

    it('keeps one copy however often the same bytes are put, also concurrently', async () => {
      const data = randomBytes(100_000);
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => h.store.put(Buffer.from(data))),
        ...Array.from({ length: 5 }, () => h.store.put(chunked(data, 10_000))),
      ]);
      expect(new Set(results.map((r) => r.key))).toEqual(new Set([`sha256/${sha256(data)}`]));
      expect(await h.countObjects()).toBe(1);
      expect(await h.leftoverTemporaries()).toBe(0);
    });

    it('stores an empty file', async () => {
      const stored = await h.store.put(Buffer.alloc(0));
      expect(stored.key).toBe('sha256/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(stored.size).toBe(0);
      expect(await h.store.get(stored.key)).toEqual(Buffer.alloc(0));
    });

    it('accepts a matching expectedSha256 in either case', async () => {
      const data = Buffer.from('expected');
      const stored = await h.store.put(chunked(data, 3), { expectedSha256: sha256(data).toUpperCase() });
      expect(stored.sha256).toBe(sha256(data));
    });

    it('refuses bytes that do not match expectedSha256 and stores nothing', async () => {
      const wrong = sha256(Buffer.from('something else'));
      const data = Buffer.from('actual content');
      await expect(h.store.put(data, { expectedSha256: wrong })).rejects.toThrow(ChecksumMismatchError);
      await expect(h.store.put(chunked(data, 4), { expectedSha256: wrong })).rejects.toThrow(
        new RegExp(`hashes to sha256 ${sha256(data)}, expected ${wrong}`),
      );
      expect(await h.countObjects()).toBe(0);
      expect(await h.leftoverTemporaries()).toBe(0);
    });

    it('rejects a malformed expectedSha256 before reading', async () => {
      await expect(h.store.put(Buffer.from('x'), { expectedSha256: 'abc' })).rejects.toThrow(/expectedSha256 must be 64 hexadecimal digits, got "abc"/);
    });

    it('refuses input above maxBytes, for buffers and streams, and stores nothing', async () => {
      await expect(h.store.put(Buffer.alloc(11), { maxBytes: 10 })).rejects.toThrow(ObjectTooLargeError);
      await expect(h.store.put(chunked(randomBytes(200_000), 1000), { maxBytes: 100_000 })).rejects.toThrow(/larger than the limit of 100000 bytes/);
      expect(await h.store.put(Buffer.alloc(10), { maxBytes: 10 })).toMatchObject({ size: 10 });
      // The limit holds even for bytes that are already stored.
      await expect(h.store.put(Buffer.alloc(10), { maxBytes: 9 })).rejects.toThrow(ObjectTooLargeError);
      expect(await h.countObjects()).toBe(1);
      expect(await h.leftoverTemporaries()).toBe(0);
    });

    it('leaves no object and no temporary file when the input stream fails midway', async () => {
      await expect(h.store.put(failingAfter(randomBytes(50_000), new Error('client went away')))).rejects.toThrow('client went away');
      expect(await h.countObjects()).toBe(0);
      expect(await h.leftoverTemporaries()).toBe(0);
    });

    it('rejects input that is neither a Buffer nor a stream with a clear error', async () => {
      await expect(h.store.put('text' as unknown as Buffer)).rejects.toThrow(new StorageError('INVALID_INPUT', 'put() expects a Buffer or a Readable stream, got string'));
    });

    it('reports a missing object as such', async () => {
      const key = `sha256/${sha256(Buffer.from('never stored'))}`;
      await expect(h.store.get(key)).rejects.toThrow(ObjectNotFoundError);
      await expect(h.store.getStream(key)).rejects.toThrow(`object "${key}" does not exist`);
      await expect(h.store.verify(key)).rejects.toThrow(ObjectNotFoundError);
      expect(await h.store.stat(key)).toBeUndefined();
      expect(await h.store.exists(key)).toBe(false);
      await expect(h.store.delete(key)).resolves.toBeUndefined();
    });

    it.each(['../../etc/passwd', 'sha256/../../x', 'sha256/ABC', `sha256/${'A'.repeat(64)}`, `md5/${'a'.repeat(64)}`, ''])('rejects the key %p', async (key) => {
      await expect(h.store.get(key)).rejects.toThrow(InvalidObjectKeyError);
      await expect(h.store.stat(key)).rejects.toThrow(InvalidObjectKeyError);
      await expect(h.store.delete(key)).rejects.toThrow(/expected sha256\/<64 lower-case hex digits>/);
    });

    it('deletes an object', async () => {
      const stored = await h.store.put(Buffer.from('to be deleted'));
      await h.store.delete(stored.key);
      expect(await h.store.exists(stored.key)).toBe(false);
      expect(await h.countObjects()).toBe(0);
    });

    describe('putFile', () => {
      let dir: string;
      beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), 'edoc-put-file-'));
      });
      afterEach(() => rm(dir, { recursive: true, force: true }));

      const fileOf = async (data: Buffer) => {
        const path = join(dir, `${randomBytes(4).toString('hex')}.pdf`);
        await writeFile(path, data);
        return path;
      };

      it('stores a local file under its digest, and takes it: the path is gone', async () => {
        const data = randomBytes(300_000);
        const path = await fileOf(data);
        const stored = await h.store.putFile(path, { mediaType: 'application/pdf', expectedSha256: sha256(data) });
        expect(stored).toEqual({ key: `sha256/${sha256(data)}`, sha256: sha256(data), size: data.length });
        expect(await h.store.get(stored.key)).toEqual(data);
        expect(await h.store.verify(stored.key)).toBe(true);
        expect(existsSync(path)).toBe(false);
        expect(await h.countObjects()).toBe(1);
        expect(await h.leftoverTemporaries()).toBe(0);
      });

      it('takes a file of bytes it holds already without a second object', async () => {
        const data = Buffer.from('the same file twice');
        await h.store.put(data);
        const path = await fileOf(data);
        expect((await h.store.putFile(path)).key).toBe(`sha256/${sha256(data)}`);
        expect(existsSync(path)).toBe(false);
        expect(await h.countObjects()).toBe(1);
      });

      it('stores nothing and leaves the file where it is when it does not hash to the claim, or is too large', async () => {
        const data = Buffer.from('not what the claim check says');
        const path = await fileOf(data);
        await expect(h.store.putFile(path, { expectedSha256: sha256(Buffer.from('other')) })).rejects.toThrow(ChecksumMismatchError);
        await expect(h.store.putFile(path, { maxBytes: 10 })).rejects.toThrow(ObjectTooLargeError);
        await expect(h.store.putFile(join(dir, 'absent.pdf'))).rejects.toThrow(/ENOENT/);
        expect(await readFile(path)).toEqual(data);
        expect(await h.countObjects()).toBe(0);
        expect(await h.leftoverTemporaries()).toBe(0);
      });
    });

    it('verifies intact content and detects tampered content', async () => {
      const stored = await h.store.put(Buffer.from('original bytes'));
      expect(await h.store.verify(stored.key)).toBe(true);
      await h.tamper(stored.key, Buffer.from('forged bytes!!'));
      expect(await h.store.verify(stored.key)).toBe(false);
    });
  });
}
