import type { Client } from 'minio';
import { backendError, s3ErrorCode } from './s3-client';

/**
 * Creates the bucket on first use. Stores are built synchronously at start-up, so the network round
 * trip happens lazily; a failed attempt is forgotten so the next call tries again.
 */
export class BucketGuard {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    readonly bucket: string,
    private readonly region: string,
    private readonly where: string,
    private readonly objectLocking: boolean,
  ) {}

  ensure(): Promise<void> {
    this.ready ??= this.create().catch((error: unknown) => {
      this.ready = undefined;
      throw backendError(`creating bucket "${this.bucket}"`, this.where, error);
    });
    return this.ready;
  }

  private async create(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, this.region, { ObjectLocking: this.objectLocking });
    } catch (error) {
      // Another process created it between our check and our request.
      const code = s3ErrorCode(error);
      if ((code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') && (await this.client.bucketExists(this.bucket))) return;
      throw error;
    }
  }
}
