import { chmodSync, createReadStream, renameSync, statSync } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { ChecksumMismatchError, ObjectNotFoundError } from '../errors';
import { assertPutInput, assertWithinLimit, measureFile, sha256Hex, sha256OfStream } from '../hashing';
import { isObjectKey, normaliseSha256, objectKeyFor, sha256OfKey } from '../object-key';
import type { ObjectStore, PutOptions, StoredObject } from '../stores';
import { isErrnoCode } from './fs-errors';
import { inFolderMadeOnDemand } from './folder-on-demand';
import { removeFile } from './remove-file';
import { syncDirectory, writeTempFile } from './temp-file';

/**
 * Content-addressed files under one folder: `sha256/ab/abcdef…` (fanned out by the first two hex digits
 * so no folder grows huge). Temporary files live in `.tmp` of the same folder, so publishing is a
 * same-filesystem rename: readers see the whole object or none.
 */
export class FilesystemObjectStore implements ObjectStore {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, '.tmp');
  }

  async put(data: Buffer | Readable, opts: PutOptions = {}): Promise<StoredObject> {
    assertPutInput(data);
    const expected = opts.expectedSha256 === undefined ? undefined : normaliseSha256(opts.expectedSha256);
    if (Buffer.isBuffer(data)) {
      // Hashing first lets a repeated put of the same bytes skip the write altogether.
      assertWithinLimit(data.length, opts.maxBytes);
      const sha256 = sha256Hex(data);
      if (expected !== undefined && expected !== sha256) throw new ChecksumMismatchError(expected, sha256);
      if (await this.exists(objectKeyFor(sha256))) return { key: objectKeyFor(sha256), sha256, size: data.length };
    }
    const temp = await writeTempFile(this.tmpDir, data, { maxBytes: opts.maxBytes });
    try {
      if (expected !== undefined && expected !== temp.sha256) throw new ChecksumMismatchError(expected, temp.sha256);
      const key = objectKeyFor(temp.sha256);
      if (!(await this.exists(key))) await this.publish(temp.path, temp.sha256);
      return { key, sha256: temp.sha256, size: temp.size };
    } finally {
      await removeFile(temp.path);
    }
  }

  async putFile(path: string, opts: PutOptions = {}): Promise<StoredObject> {
    const expected = opts.expectedSha256 === undefined ? undefined : normaliseSha256(opts.expectedSha256);
    const { sha256, size } = await measureFile(path, opts.maxBytes);
    if (expected !== undefined && expected !== sha256) throw new ChecksumMismatchError(expected, sha256);
    const key = objectKeyFor(sha256);
    if (!(await this.exists(key))) {
      // The same durability as put: the bytes reach the disk before the name that publishes them.
      const handle = await open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await this.publish(path, sha256);
        return { key, sha256, size };
      } catch (error) {
        // Another file system (the file outside the data folder): a copy, then the file goes.
        if (!isErrnoCode(error, 'EXDEV')) throw error;
        await this.put(createReadStream(path), { ...opts, expectedSha256: sha256 });
      }
    }
    await removeFile(path);
    return { key, sha256, size };
  }

  async get(key: string): Promise<Buffer> {
    const path = this.pathOf(sha256OfKey(key));
    try {
      return await readFile(path);
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async getStream(key: string): Promise<Readable> {
    const path = this.pathOf(sha256OfKey(key));
    // Opening first turns a missing file into an error here rather than a late 'error' event.
    try {
      const handle = await open(path, 'r');
      return handle.createReadStream();
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    try {
      // Synchronous, as the other metadata calls here: a few µs of CPU on a local disk, against 30-40 µs
      // of CPU and two threads woken for a trip through libuv's thread pool.
      const info = statSync(this.pathOf(sha256OfKey(key)));
      return { size: info.size };
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    await removeFile(this.pathOf(sha256OfKey(key)));
  }

  async verify(key: string): Promise<boolean> {
    const sha256 = sha256OfKey(key);
    return (await sha256OfStream(await this.getStream(key))) === sha256;
  }

  async list(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(join(this.root, 'sha256'), { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) return [];
      throw error;
    }
    // Only finished objects: a temporary file of a put in progress has another name.
    return entries
      .filter((entry) => entry.isFile() && isObjectKey(objectKeyFor(entry.name)))
      .map((entry) => objectKeyFor(entry.name))
      .sort();
  }

  /** Makes a complete, flushed file the object `sha256`: read-only, renamed into place, the rename itself made durable. */
  private async publish(file: string, sha256: string): Promise<void> {
    const finalPath = this.pathOf(sha256);
    chmodSync(file, 0o444);
    inFolderMadeOnDemand(dirname(finalPath), () => renameSync(file, finalPath));
    await syncDirectory(dirname(finalPath));
  }

  private pathOf(sha256: string): string {
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }
}
