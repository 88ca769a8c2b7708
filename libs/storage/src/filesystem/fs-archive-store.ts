import { chmodSync, createReadStream, linkSync, mkdirSync, unlinkSync } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { normaliseArchiveName, normaliseArchivePrefix } from '../archive-name';
import { ArchiveConflictError, InvalidArchiveNameError, ObjectNotFoundError } from '../errors';
import { assertArchiveInput, discardInput, sha256OfStream } from '../hashing';
import type { ArchivePutOptions, ArchiveStore, ArchivedObject } from '../stores';
import { assertRetainUntil } from '../retention';
import { isErrnoCode } from './fs-errors';
import { inFolderMadeOnDemand } from './folder-on-demand';
import { syncDirectory, writeTempFile } from './temp-file';

const TMP_DIR = '.tmp';

/**
 * Write-once archive on the local filesystem. A file is made read-only (0444) before it gets its name,
 * and the name is taken with link(2), which fails if the name exists: two writers racing for one name
 * cannot both win, and nothing ever replaces an archived file. This guards against mistakes, not
 * against an administrator with root: the audit hash chain is the evidence against tampering.
 */
export class FilesystemArchiveStore implements ArchiveStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async putOnce(name: string, data: Buffer | Readable, opts: ArchivePutOptions = {}): Promise<ArchivedObject> {
    try {
      return await this.writeOnce(normaliseArchiveName(name), data, opts);
    } catch (error) {
      discardInput(data);
      throw error;
    }
  }

  /** The bytes are hashed while they go to a temporary file, so a stream of any size costs a few buffers. */
  private async writeOnce(key: string, data: Buffer | Readable, opts: ArchivePutOptions): Promise<ArchivedObject> {
    assertRetainUntil(opts.retainUntil);
    assertArchiveInput(key, data);
    const finalPath = this.pathOf(key);
    const temp = await writeTempFile(join(this.root, TMP_DIR), data);
    const sha256 = temp.sha256;
    // The metadata calls are synchronous: a few µs of CPU on a local disk (50-80 µs of wall time under
    // bench:e2e --sync-fs), against 30-40 µs of CPU and two threads woken for each trip through
    // libuv's thread pool. Archival keeps several objects a document. No folder is made or removed
    // here in the common case: those wait for the journal and the parent's lock (see ScratchFolderPool).
    try {
      chmodSync(temp.path, 0o444);
      try {
        inFolderMadeOnDemand(dirname(finalPath), () => linkSync(temp.path, finalPath), () => this.makeFolderOf(key, finalPath));
      } catch (error) {
        if (isErrnoCode(error, 'ENOTDIR')) throw new InvalidArchiveNameError(key, 'a leading part of it is already an archived object');
        if (!isErrnoCode(error, 'EEXIST')) throw error;
        if (!(await stat(finalPath)).isFile()) throw new InvalidArchiveNameError(key, 'it is the folder of other archived objects');
        if ((await sha256OfStream(createReadStream(finalPath))) !== sha256) throw new ArchiveConflictError(key);
      }
      await syncDirectory(dirname(finalPath));
      return { key, sha256, locked: 'read-only-file' };
    } finally {
      // Once linked into place, removing this name frees no blocks: cheap enough for the event loop.
      removeName(temp.path);
    }
  }

  private makeFolderOf(key: string, finalPath: string): void {
    try {
      mkdirSync(dirname(finalPath), { recursive: true });
    } catch (error) {
      if (isErrnoCode(error, 'EEXIST', 'ENOTDIR')) throw new InvalidArchiveNameError(key, 'a leading part of it is already an archived object');
      throw error;
    }
  }

  async get(name: string): Promise<Buffer> {
    const key = normaliseArchiveName(name);
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT', 'EISDIR', 'ENOTDIR')) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async getStream(name: string): Promise<Readable> {
    const key = normaliseArchiveName(name);
    // Opening first turns a missing file into an error here rather than a late 'error' event.
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT', 'ENOTDIR')) throw new ObjectNotFoundError(key);
      throw error;
    }
    // A folder opens too (it holds other archived objects) but is no object.
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new ObjectNotFoundError(key);
    }
    return handle.createReadStream();
  }

  async stat(name: string): Promise<{ size: number } | undefined> {
    const key = normaliseArchiveName(name);
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : undefined;
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  async list(prefix?: string): Promise<string[]> {
    const wanted = normaliseArchivePrefix(prefix);
    let entries;
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) return [];
      throw error;
    }
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const relative = join(entry.parentPath, entry.name).slice(this.root.length + 1).split(sep).join('/');
      if (relative.startsWith(`${TMP_DIR}/`)) continue;
      if (relative.startsWith(wanted)) names.push(relative);
    }
    return names.sort();
  }

  async objectLockSupported(): Promise<boolean> {
    return false;
  }

  private pathOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }
}

/** unlink(2), a name already gone being no error: rmSync would ask lstat(2) first. */
function removeName(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw error;
  }
}
