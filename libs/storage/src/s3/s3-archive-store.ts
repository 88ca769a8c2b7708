import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { normaliseArchiveName, normaliseArchivePrefix } from '../archive-name';
import { ArchiveConflictError, ObjectNotFoundError } from '../errors';
import { writeTempFile } from '../filesystem/temp-file';
import { assertArchiveInput, discardInput, readAll, sha256Hex, sha256OfStream } from '../hashing';
import { assertRetainUntil } from '../retention';
import { withScratchFolder } from '../scratch';
import type { ArchivePutOptions, ArchiveStore, ArchivedObject } from '../stores';
import { BucketGuard } from './bucket-guard';
import { backendError, isNotFound, s3ErrorCode } from './s3-client';

const DEFAULT_MEDIA_TYPE = 'application/octet-stream';
/** User metadata holding the content hash, so a repeated putOnce can compare without downloading. */
const SHA256_META = 'sha256';
// Codes a server gives when it has no Object Lock (s3rver: NotImplemented; AWS/MinIO bucket without it: …NotFoundError).
const NO_OBJECT_LOCK_CODES = new Set(['NotImplemented', 'ObjectLockConfigurationNotFoundError', 'MethodNotAllowed', 'InvalidRequest']);

interface Existing {
  sha256: string;
  versionId: string | null;
}

/**
 * Write-once archive in an S3 bucket created with Object Lock. Where the server enforces it, each object
 * gets COMPLIANCE retention until `retainUntil` (nobody, not even the root account, can delete or shorten
 * it), or a legal hold when it is kept permanently (S3 has no "forever" retention date). Where the server
 * has no Object Lock the object is still never overwritten by this store, and `locked` says 'none'.
 */
export class S3ArchiveStore implements ArchiveStore {
  private readonly guard: BucketGuard;
  private lockSupport: Promise<boolean> | undefined;

  constructor(
    private readonly client: Client,
    readonly bucket: string,
    region: string,
    private readonly where: string,
  ) {
    this.guard = new BucketGuard(client, bucket, region, where, true);
  }

  async putOnce(name: string, data: Buffer | Readable, opts: ArchivePutOptions = {}): Promise<ArchivedObject> {
    try {
      const key = normaliseArchiveName(name);
      assertRetainUntil(opts.retainUntil);
      assertArchiveInput(key, data);
      if (Buffer.isBuffer(data)) return await this.writeOnce(key, { sha256: sha256Hex(data), size: data.length, body: () => data }, opts);
      // A stream is spooled to a local file while it is hashed: the hash goes into the object's
      // metadata, which S3 takes before the body, and the client needs the size to upload in parts.
      return await withScratchFolder(async (dir) => {
        const spooled = await writeTempFile(dir, data, { durable: false });
        return this.writeOnce(key, { ...spooled, body: () => createReadStream(spooled.path) }, opts);
      });
    } catch (error) {
      discardInput(data);
      throw error;
    }
  }

  /**
   * A body of more than one part (see createS3Client) goes up as a multipart upload, which S3 shows
   * only once complete, so never partly. The minio client cannot make the completion conditional
   * (If-None-Match goes only with the request that starts the upload): for big objects, two writers
   * racing for one name are kept apart by the check before the write alone. An Object Lock bucket
   * keeps both as versions, so nothing archived is lost even then.
   */
  private async writeOnce(key: string, content: { sha256: string; size: number; body: () => Buffer | Readable }, opts: ArchivePutOptions): Promise<ArchivedObject> {
    const { sha256 } = content;
    const locking = await this.objectLockSupported();

    const existing = await this.existing(key);
    if (existing !== undefined) return this.repeat(key, sha256, existing, locking, opts);

    let versionId: string | null;
    try {
      const headers = { 'Content-Type': opts.mediaType ?? DEFAULT_MEDIA_TYPE, [SHA256_META]: sha256, 'If-None-Match': '*' };
      ({ versionId } = await this.client.putObject(this.bucket, key, content.body(), content.size, headers));
    } catch (error) {
      // A concurrent writer took the name between our check and our write (servers with conditional PUT).
      if (s3ErrorCode(error) === 'PreconditionFailed') {
        const winner = await this.existing(key);
        if (winner !== undefined) return this.repeat(key, sha256, winner, locking, opts);
      }
      throw backendError(`archiving "${this.bucket}/${key}"`, this.where, error);
    }
    if (locking) await this.lock(key, versionId, opts.retainUntil);
    return { key, sha256, locked: locking ? 'object-lock' : 'none' };
  }

  async get(name: string): Promise<Buffer> {
    return readAll(await this.getStream(name));
  }

  async getStream(name: string): Promise<Readable> {
    const key = normaliseArchiveName(name);
    await this.guard.ensure();
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw backendError(`reading "${this.bucket}/${key}"`, this.where, error);
    }
  }

  async stat(name: string): Promise<{ size: number } | undefined> {
    const key = normaliseArchiveName(name);
    await this.guard.ensure();
    try {
      return { size: (await this.client.statObject(this.bucket, key)).size };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw backendError(`checking "${this.bucket}/${key}"`, this.where, error);
    }
  }

  async list(prefix?: string): Promise<string[]> {
    const wanted = normaliseArchivePrefix(prefix);
    await this.guard.ensure();
    try {
      const names: string[] = [];
      for await (const item of this.client.listObjectsV2(this.bucket, wanted, true)) {
        if (typeof item.name === 'string') names.push(item.name);
      }
      return names.sort();
    } catch (error) {
      throw backendError(`listing "${this.bucket}/${wanted}"`, this.where, error);
    }
  }

  objectLockSupported(): Promise<boolean> {
    this.lockSupport ??= this.detectObjectLock().catch((error: unknown) => {
      this.lockSupport = undefined;
      throw backendError(`reading the Object Lock configuration of "${this.bucket}"`, this.where, error);
    });
    return this.lockSupport;
  }

  private async detectObjectLock(): Promise<boolean> {
    await this.guard.ensure();
    try {
      // minio's typings list a void-returning overload first; the promise form is the one that exists.
      const info = await (this.client.getObjectLockConfig(this.bucket) as unknown as Promise<{ objectLockEnabled?: string }>);
      return info.objectLockEnabled === 'Enabled';
    } catch (error) {
      const code = s3ErrorCode(error);
      if (code !== undefined && NO_OBJECT_LOCK_CODES.has(code)) return false;
      throw error;
    }
  }

  private async existing(key: string): Promise<Existing | undefined> {
    await this.guard.ensure();
    try {
      const info = await this.client.statObject(this.bucket, key);
      const recorded = info.metaData[SHA256_META] as unknown;
      // An object written by another tool has no recorded hash: compute it.
      const sha256 = typeof recorded === 'string' ? recorded : await sha256OfStream(await this.client.getObject(this.bucket, key));
      return { sha256, versionId: info.versionId ?? null };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw backendError(`checking "${this.bucket}/${key}"`, this.where, error);
    }
  }

  /** The name is taken: identical bytes are a harmless retry (re-locking heals a crash after the write). */
  private async repeat(key: string, sha256: string, existing: Existing, locking: boolean, opts: ArchivePutOptions): Promise<ArchivedObject> {
    if (existing.sha256 !== sha256) throw new ArchiveConflictError(key);
    if (locking) await this.lock(key, existing.versionId, opts.retainUntil);
    return { key, sha256, locked: locking ? 'object-lock' : 'none' };
  }

  private async lock(key: string, versionId: string | null, retainUntil: Date | undefined): Promise<void> {
    try {
      if (retainUntil === undefined) {
        await this.client.setObjectLegalHold(this.bucket, key, { status: 'ON', ...(versionId === null ? {} : { versionId }) });
      } else {
        await this.client.putObjectRetention(this.bucket, key, { mode: 'COMPLIANCE', retainUntilDate: retainUntil.toISOString(), versionId: versionId ?? '' });
      }
    } catch (error) {
      throw backendError(`locking "${this.bucket}/${key}" (the object is stored; repeat putOnce to lock it)`, this.where, error);
    }
  }
}
