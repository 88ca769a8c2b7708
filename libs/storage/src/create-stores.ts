import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { FilesystemArchiveStore } from './filesystem/fs-archive-store';
import { FilesystemObjectStore } from './filesystem/fs-object-store';
import { S3ArchiveStore } from './s3/s3-archive-store';
import { createS3Client, describeEndpoint } from './s3/s3-client';
import { S3ObjectStore } from './s3/s3-object-store';
import type { ArchiveStore, ObjectStore } from './stores';

/** Folder of a bucket in the filesystem backend: `<dataDir>/storage/<bucket>`. */
export function filesystemBucketPath(config: Pick<EdocConfig, 'dataDir'>, bucket: string): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`bucket name "${bucket}" is invalid: 3-63 lower-case letters, digits, dots or hyphens`);
  }
  return join(config.dataDir, 'storage', bucket);
}

/**
 * The file store the configuration asks for: S3 when `config.s3` is set, else the filesystem under the
 * data folder. The bucket (or folder) is created on first use.
 */
export function createObjectStore(config: EdocConfig, bucket: string = config.filesBucket): ObjectStore {
  const path = filesystemBucketPath(config, bucket);
  if (config.s3 === undefined) return new FilesystemObjectStore(path);
  return new S3ObjectStore(createS3Client(config.s3), bucket, config.s3.region, describeEndpoint(config.s3));
}

/** The write-once archive in `config.archiveBucket`, on S3 (with Object Lock where supported) or the filesystem. */
export function createArchiveStore(config: EdocConfig, bucket: string = config.archiveBucket): ArchiveStore {
  const path = filesystemBucketPath(config, bucket);
  if (config.s3 === undefined) return new FilesystemArchiveStore(path);
  return new S3ArchiveStore(createS3Client(config.s3), bucket, config.s3.region, describeEndpoint(config.s3));
}
