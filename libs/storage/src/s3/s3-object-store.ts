import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { ChecksumMismatchError, ObjectNotFoundError } from '../errors';
import { assertPutInput, assertWithinLimit, measureFile, readAll, sha256Hex, sha256OfStream } from '../hashing';
import { isObjectKey, normaliseSha256, objectKeyFor, sha256OfKey } from '../object-key';
import type { ObjectStore, PutOptions, StoredObject } from '../stores';
import { removeFile } from '../filesystem/remove-file';
import { writeTempFile } from '../filesystem/temp-file';
import { withScratchFolder } from '../scratch';
import { BucketGuard } from './bucket-guard';
import { backendError, isNotFound } from './s3-client';

const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

/**
 * Content-addressed objects in one S3 bucket. A stream is first spooled to a local temporary file while
 * it is hashed (memory stays bounded and the key is known before upload); the upload is a single PUT or
 * a multipart upload, both of which S3 makes visible only when complete, so no partial object is seen.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly guard: BucketGuard;

  constructor(
    private readonly client: Client,
    readonly bucket: string,
    region: string,
    private readonly where: string,
  ) {
    this.guard = new BucketGuard(client, bucket, region, where, false);
  }

  async put(data: Buffer | Readable, opts: PutOptions = {}): Promise<StoredObject> {
    assertPutInput(data);
    const expected = opts.expectedSha256 === undefined ? undefined : normaliseSha256(opts.expectedSha256);
    const headers = { 'Content-Type': opts.mediaType ?? DEFAULT_MEDIA_TYPE };
    if (Buffer.isBuffer(data)) {
      assertWithinLimit(data.length, opts.maxBytes);
      const sha256 = sha256Hex(data);
      if (expected !== undefined && expected !== sha256) throw new ChecksumMismatchError(expected, sha256);
      return this.upload(sha256, data.length, () => data, headers);
    }
    return withScratchFolder(async (spoolDir) => {
      // Not fsynced: the spool is read back at once and deleted; the server keeps the durable copy.
      const temp = await writeTempFile(spoolDir, data, { maxBytes: opts.maxBytes, durable: false });
      if (expected !== undefined && expected !== temp.sha256) throw new ChecksumMismatchError(expected, temp.sha256);
      return this.upload(temp.sha256, temp.size, () => createReadStream(temp.path), headers);
    });
  }

  async putFile(path: string, opts: PutOptions = {}): Promise<StoredObject> {
    const expected = opts.expectedSha256 === undefined ? undefined : normaliseSha256(opts.expectedSha256);
    // The file is its own spool: hashed first, so the key is known before the upload.
    const { sha256, size } = await measureFile(path, opts.maxBytes);
    if (expected !== undefined && expected !== sha256) throw new ChecksumMismatchError(expected, sha256);
    const stored = await this.upload(sha256, size, () => createReadStream(path), { 'Content-Type': opts.mediaType ?? DEFAULT_MEDIA_TYPE });
    await removeFile(path);
    return stored;
  }

  async get(key: string): Promise<Buffer> {
    return readAll(await this.getStream(key));
  }

  async getStream(key: string): Promise<Readable> {
    sha256OfKey(key);
    await this.guard.ensure();
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw backendError(`reading "${this.bucket}/${key}"`, this.where, error);
    }
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    sha256OfKey(key);
    await this.guard.ensure();
    try {
      const info = await this.client.statObject(this.bucket, key);
      return { size: info.size };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw backendError(`checking "${this.bucket}/${key}"`, this.where, error);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    sha256OfKey(key);
    await this.guard.ensure();
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (error) {
      if (isNotFound(error)) return;
      throw backendError(`deleting "${this.bucket}/${key}"`, this.where, error);
    }
  }

  async verify(key: string): Promise<boolean> {
    const sha256 = sha256OfKey(key);
    return (await sha256OfStream(await this.getStream(key))) === sha256;
  }

  async list(): Promise<string[]> {
    await this.guard.ensure();
    try {
      const keys: string[] = [];
      for await (const item of this.client.listObjectsV2(this.bucket, 'sha256/', true)) {
        if (typeof item.name === 'string' && isObjectKey(item.name)) keys.push(item.name);
      }
      return keys.sort();
    } catch (error) {
      throw backendError(`listing "${this.bucket}"`, this.where, error);
    }
  }

  private async upload(sha256: string, size: number, body: () => Buffer | Readable, headers: Record<string, string>): Promise<StoredObject> {
    const key = objectKeyFor(sha256);
    if (!(await this.exists(key))) {
      try {
        await this.client.putObject(this.bucket, key, body(), size, headers);
      } catch (error) {
        throw backendError(`writing "${this.bucket}/${key}"`, this.where, error);
      }
    }
    return { key, sha256, size };
  }
}
