import { createHash } from 'node:crypto';
import { ArchiveConflictError, InvalidArchiveNameError, ObjectNotFoundError, type ArchiveStore, type LockKind } from '@edoc/storage';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

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
      expect(await store.stat('2025/missing.pdf')).toBeUndefined();
    });

    it('says whether the backend enforces retention itself', async () => {
      expect(await store.objectLockSupported()).toBe(expectedLock === 'object-lock');
    });
  });
}
