import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FilesystemArchiveStore, FilesystemObjectStore } from '@edoc/storage';
import { describeArchiveStoreContract } from './archive-store.contract';
import { describeObjectStoreContract } from './object-store.contract';

let root: string;

async function filesUnder(dir: string): Promise<number> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

async function freshRoot(): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'edoc-storage-'));
  return root;
}

const removeRoot = () => rm(root, { recursive: true, force: true });

describeObjectStoreContract(
  'filesystem',
  async () => {
    const store = new FilesystemObjectStore(await freshRoot());
    return {
      store,
      countObjects: () => filesUnder(join(root, 'sha256')),
      leftoverTemporaries: () => filesUnder(join(root, '.tmp')),
      async tamper(key, bytes) {
        const hex = key.slice('sha256/'.length);
        const path = join(root, 'sha256', hex.slice(0, 2), hex);
        await chmod(path, 0o644);
        await writeFile(path, bytes);
      },
    };
  },
  removeRoot,
);

describeArchiveStoreContract('filesystem', 'read-only-file', async () => new FilesystemArchiveStore(await freshRoot()), removeRoot);

describe('filesystem backends', () => {
  beforeEach(freshRoot);
  afterEach(removeRoot);

  it('copies a file from another file system into the store (a move cannot cross), then removes it', async () => {
    // /dev/shm is a tmpfs here, the temporary folder a disk: rename(2) fails with EXDEV between them.
    const elsewhere = await mkdtemp('/dev/shm/edoc-put-file-');
    try {
      expect((await stat(elsewhere)).dev).not.toBe((await stat(root)).dev);
      const data = randomBytes(50_000);
      const path = join(elsewhere, 'signed.pdf');
      await writeFile(path, data);
      const store = new FilesystemObjectStore(root);
      const stored = await store.putFile(path);
      expect(await store.get(stored.key)).toEqual(data);
      expect(await store.verify(stored.key)).toBe(true);
      expect(await readdir(elsewhere)).toEqual([]);
      expect(await filesUnder(join(root, '.tmp'))).toBe(0);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('makes stored objects read-only files fanned out by hash prefix', async () => {
    const stored = await new FilesystemObjectStore(root).put(Buffer.from('abc'));
    const path = join(root, 'sha256', stored.sha256.slice(0, 2), stored.sha256);
    expect((await stat(path)).mode & 0o777).toBe(0o444);
  });

  it('makes archived files read-only (0444)', async () => {
    await new FilesystemArchiveStore(root).putOnce('2025/a.pdf', Buffer.from('x'));
    expect((await stat(join(root, '2025', 'a.pdf'))).mode & 0o777).toBe(0o444);
    expect(await filesUnder(join(root, '.tmp'))).toBe(0);
  });

  it('lets exactly one of many concurrent writers of one archive name win', async () => {
    const archive = new FilesystemArchiveStore(root);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => archive.putOnce('race.pdf', Buffer.from(`writer ${i}`))));
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const content = (await archive.get('race.pdf')).toString();
    expect(content).toMatch(/^writer \d$/);
    for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toMatch(/already exists with different content/);
  });

  it('refuses a name whose parent is an archived object, and a name that is a folder', async () => {
    const archive = new FilesystemArchiveStore(root);
    await archive.putOnce('a/b.pdf', Buffer.from('x'));
    await expect(archive.putOnce('a/b.pdf/c.pdf', Buffer.from('y'))).rejects.toThrow(/a leading part of it is already an archived object/);
    await expect(archive.putOnce('a', Buffer.from('y'))).rejects.toThrow(/it is the folder of other archived objects/);
    expect(await archive.stat('a')).toBeUndefined();
  });

  it('writes an archived stream read-only and leaves no temporary file, also after a conflict or a failed stream', async () => {
    const archive = new FilesystemArchiveStore(root);
    await archive.putOnce('2025/s.pdf', Readable.from([randomBytes(100_000), randomBytes(100_000)]));
    expect((await stat(join(root, '2025', 's.pdf'))).mode & 0o777).toBe(0o444);
    await expect(archive.putOnce('2025/s.pdf', Readable.from([randomBytes(10)]))).rejects.toThrow(/already exists with different content/);
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(10_000);
        throw new Error('cut off');
      })(),
    );
    await expect(archive.putOnce('2025/t.pdf', failing)).rejects.toThrow('cut off');
    expect(await filesUnder(join(root, '.tmp'))).toBe(0);
  });

  it('does not stream a folder of archived objects as if it were one', async () => {
    const archive = new FilesystemArchiveStore(root);
    await archive.putOnce('a/b.pdf', Buffer.from('x'));
    await expect(archive.getStream('a')).rejects.toThrow('object "a" does not exist');
  });

  it('lists nothing for an archive folder that does not exist yet', async () => {
    expect(await new FilesystemArchiveStore(join(root, 'not-yet')).list()).toEqual([]);
  });
});
