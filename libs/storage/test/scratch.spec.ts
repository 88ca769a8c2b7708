import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeIdleScratchFolders, scratchPath, sweepScratchFolders, withScratchFolder } from '@edoc/storage';
import { filesUnder } from '@edoc/testing';

describe('scratch folders', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'edoc-scratch-test-'));
  });
  afterEach(async () => {
    removeIdleScratchFolders();
    await rm(parent, { recursive: true, force: true });
  });

  it('lives under <dataDir>/tmp/<purpose>', () => {
    expect(scratchPath({ dataDir: '/srv/edoc' }, 'signing')).toBe('/srv/edoc/tmp/signing');
    expect(() => scratchPath({ dataDir: '/srv/edoc' }, '../x')).toThrow(/lower-case letters, digits and hyphens/);
  });

  it('gives an empty folder and removes its files afterwards', async () => {
    let seen = '';
    const result = await withScratchFolder(async (dir) => {
      seen = dir;
      await writeFile(join(dir, 'big.pdf'), 'bytes');
      return 42;
    }, parent);
    expect(result).toBe(42);
    expect(seen.startsWith(parent)).toBe(true);
    expect(filesUnder(parent)).toEqual([]);
  });

  it('removes the files also when the work fails, and passes the failure on', async () => {
    let seen = '';
    await expect(
      withScratchFolder(async (dir) => {
        seen = dir;
        await writeFile(join(dir, 'half.pdf'), 'half');
        throw new Error('signing refused');
      }, parent),
    ).rejects.toThrow('signing refused');
    expect(await readdir(seen)).toEqual([]);
    removeIdleScratchFolders();
    expect(await readdir(parent)).toEqual([]);
  });

  it('makes a missing parent (private to the service) on first use, keeps a folder left empty for the next work, and forgets one already gone', async () => {
    const nested = join(parent, 'tmp', 'signing');
    let emptied = '';
    await withScratchFolder(async (dir) => {
      emptied = dir;
      await writeFile(join(dir, 'output.pdf'), 'moved away by the store');
      await rm(join(dir, 'output.pdf'));
    }, nested);
    expect((await stat(nested)).mode & 0o777).toBe(0o700);
    expect(await readdir(emptied)).toEqual([]);
    let reused = '';
    await withScratchFolder(async (dir) => {
      reused = dir;
    }, nested);
    expect(reused).toBe(emptied);
    await expect(withScratchFolder((dir) => rm(dir, { recursive: true }), nested)).resolves.toBeUndefined();
    expect(await readdir(nested)).toEqual([]);
  });

  it('gives work running at the same time folders of their own, and removes the idle ones on request', async () => {
    const seen = await Promise.all(
      [1, 2, 3].map((index) =>
        withScratchFolder(async (dir) => {
          await writeFile(join(dir, 'copy.pdf'), `work ${index}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          expect(await readFile(join(dir, 'copy.pdf'), 'utf8')).toBe(`work ${index}`);
          await rm(join(dir, 'copy.pdf'));
          return dir;
        }, parent),
      ),
    );
    expect(new Set(seen).size).toBe(3);
    expect((await readdir(parent)).length).toBe(3);
    removeIdleScratchFolders();
    expect(await readdir(parent)).toEqual([]);
  });

  it('sweeps only its own folders, and only old ones', async () => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const name of ['edoc-old', 'edoc-new', 'someone-else-old']) await mkdir(join(parent, name));
    await writeFile(join(parent, 'edoc-old', 'left.pdf'), 'left by a killed process');
    await utimes(join(parent, 'edoc-old'), hourAgo, hourAgo);
    await utimes(join(parent, 'someone-else-old'), hourAgo, hourAgo);
    expect(await sweepScratchFolders(parent, 30 * 60_000)).toBe(1);
    expect((await readdir(parent)).sort()).toEqual(['edoc-new', 'someone-else-old']);
  });

  it('sweeps nothing where no folder was made yet', async () => {
    expect(await sweepScratchFolders(join(parent, 'never-made'), 0)).toBe(0);
  });
});
