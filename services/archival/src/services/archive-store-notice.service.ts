import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { EdocConfig } from '@edoc/config';
import { EDOC_CONFIG } from '@edoc/runtime';
import type { ArchiveStore } from '@edoc/storage';
import { ARCHIVE_STORE } from './archive-store.token';

/** Says at start how the archive is protected, and plainly when the S3 server cannot enforce retention. */
@Injectable()
export class ArchiveStoreNoticeService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Archive');

  constructor(
    @Inject(ARCHIVE_STORE) private readonly archive: ArchiveStore,
    @Inject(EDOC_CONFIG) private readonly config: EdocConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.describe().then(
      (text) => this.logger.log(text),
      (error: Error) => this.logger.warn(`could not tell whether the archive bucket supports Object Lock: ${error.message}`),
    );
  }

  async describe(): Promise<string> {
    if (this.config.s3 === undefined) {
      return `archive on the filesystem (${this.config.archiveBucket}): files are made read-only and never overwritten; retention is not enforced by the storage, the audit chain proves integrity`;
    }
    if (await this.archive.objectLockSupported()) {
      return `archive bucket ${this.config.archiveBucket}: S3 Object Lock in COMPLIANCE mode, retention per retention class, legal hold for permanent documents`;
    }
    const text = `archive bucket ${this.config.archiveBucket}: the S3 server does not support Object Lock (or the bucket was created without it): objects are never overwritten by edoc, but the server does NOT enforce retention`;
    this.logger.warn(text);
    return text;
  }
}
