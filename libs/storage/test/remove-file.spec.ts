import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeFile } from '@edoc/storage';

describe('removeFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edoc-remove-file-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('removes the file and nothing beside it', async () => {
    await writeFile(join(dir, 'a.upload'), 'a');
    await writeFile(join(dir, 'b.upload'), 'b');
    await removeFile(join(dir, 'a.upload'));
    expect(await readdir(dir)).toEqual(['b.upload']);
  });

  it('is done when the file is already gone, or its folder is', async () => {
    await expect(removeFile(join(dir, 'never-there.upload'))).resolves.toBeUndefined();
    await expect(removeFile(join(dir, 'no-folder', 'x.upload'))).resolves.toBeUndefined();
  });

  it('refuses a folder and leaves it, as rm without recursive does', async () => {
    await mkdir(join(dir, 'folder'));
    await writeFile(join(dir, 'folder', 'kept'), 'x');
    await expect(removeFile(join(dir, 'folder'))).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|EPERM)$/) });
    expect(await readdir(join(dir, 'folder'))).toEqual(['kept']);
  });

  it('reports a failure other than a missing file', async () => {
    // A path through a file: ENOTDIR, which says the caller's path is wrong, not that the file went.
    await writeFile(join(dir, 'plain'), 'x');
    await expect(removeFile(join(dir, 'plain', 'x.upload'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
