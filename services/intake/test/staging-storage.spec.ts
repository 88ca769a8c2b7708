import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { waitFor } from '@edoc/testing';
import { StagingStorage } from '../src/uploads/staging-storage';

/** Stages one part through the multer storage engine, its response still open. */
function stage(storage: StagingStorage, response: EventEmitter & { closed: boolean }): Promise<{ path: string; size: number }> {
  return new Promise((resolve, reject) => {
    const request = Object.assign(new EventEmitter(), { res: response }) as never;
    storage._handleFile(request, { fieldname: 'file', originalname: 'a.pdf', stream: Readable.from([Buffer.from('%PDF-1.7 staged')]) }, (error, info) => (error ? reject(error) : resolve(info!)));
  });
}

describe('StagingStorage', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'edoc-staging-test-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('removes a staged upload when its response is over', async () => {
    const response = Object.assign(new EventEmitter(), { closed: false });
    const staged = await stage(new StagingStorage(join(root, 'uploads')), response);
    expect(existsSync(staged.path)).toBe(true);
    response.emit('close');
    await waitFor('the staged upload to be removed', () => !existsSync(staged.path));
  });

  it('makes its folder (owner-only) when an upload finds it missing, also after it was removed, and keeps each upload owner-only', async () => {
    const dir = join(root, 'uploads');
    const storage = new StagingStorage(dir);
    const first = await stage(storage, Object.assign(new EventEmitter(), { closed: false }));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.path, 'latin1')).toBe('%PDF-1.7 staged');
    rmSync(dir, { recursive: true });
    const second = await stage(storage, Object.assign(new EventEmitter(), { closed: false }));
    expect(readFileSync(second.path, 'latin1')).toBe('%PDF-1.7 staged');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('survives a removal that fails, instead of ending the process with an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const response = Object.assign(new EventEmitter(), { closed: false });
      await stage(new StagingStorage(join(root, 'uploads')), response);
      // The folder gives way to a file: removing the staged upload below it fails with ENOTDIR.
      renameSync(join(root, 'uploads'), join(root, 'moved'));
      writeFileSync(join(root, 'uploads'), 'not a folder');
      response.emit('close');
      // Nothing to observe when it works: a second gives the failed removal time to reject, unhandled, if it would.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
