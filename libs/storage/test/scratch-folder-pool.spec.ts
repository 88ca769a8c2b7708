import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScratchFolderPool } from '@edoc/storage';
import { waitFor } from '@edoc/testing';

describe('ScratchFolderPool', () => {
  let parent: string;
  let now: number;
  let pool: ScratchFolderPool;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'edoc-folder-pool-test-'));
    now = 1_000_000;
    pool = new ScratchFolderPool('edoc-', 2, 60_000, () => now);
  });
  afterEach(async () => {
    pool.drain();
    await rm(parent, { recursive: true, force: true });
  });

  it('hands a folder given back to the next work, emptied of what the last work left in it', async () => {
    const first = pool.take(parent);
    await pool.give(parent, first);
    expect(pool.take(parent)).toBe(first);

    await mkdir(join(first, 'pages'));
    await writeFile(join(first, 'copy.pdf'), 'read, then left behind');
    await writeFile(join(first, 'pages', '1.png'), 'a step of the work');
    await pool.give(parent, first);
    expect(pool.take(parent)).toBe(first);
    expect(await readdir(first)).toEqual([]);
  });

  it('keeps no more than its limit of idle folders, and removes the rest', async () => {
    const folders = [pool.take(parent), pool.take(parent), pool.take(parent)];
    for (const dir of folders) await pool.give(parent, dir);
    expect((await readdir(parent)).length).toBe(2);
    expect(existsSync(folders[2] as string)).toBe(false);
  });

  it('does not hand out a folder idle longer than its limit (a sweep of leftovers may take it), but removes it', async () => {
    const old = pool.take(parent);
    await pool.give(parent, old);
    now += 60_001;
    const next = pool.take(parent);
    expect(next).not.toBe(old);
    // Removed in the thread pool, not waited for by take().
    await waitFor('the stale folder to be removed', () => !existsSync(old), { timeoutMs: 5_000 });
  });

  it('forgets a folder the work removed itself, and keeps folders of different parents apart', async () => {
    const other = join(parent, 'other');
    const dir = pool.take(parent);
    await rm(dir, { recursive: true });
    await expect(pool.give(parent, dir)).resolves.toBeUndefined();
    const mine = pool.take(parent);
    await pool.give(parent, mine);
    expect(pool.take(other).startsWith(other)).toBe(true);
  });
});
