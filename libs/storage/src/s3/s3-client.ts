import type { S3Settings } from '@edoc/config';
import type { Client } from 'minio';
import { StorageBackendError, StorageError } from '../errors';

/**
 * The client holds a part of a multipart upload in memory, and reads the next while one is on the
 * wire: 16 MiB parts keep an upload of any size at a few tens of MB (the client's 64 MiB default
 * would hold most of a 200 MB file). Past 160 GiB the client grows the parts to stay within 10,000.
 */
const UPLOAD_PART_BYTES = 16 * 1024 * 1024;

export function createS3Client(settings: S3Settings): Client {
  // The minio client loads when S3 is configured, not with every process that stores files on disk
  // (the default): it was about 80 ms of each service's start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client: MinioClient } = require('minio') as typeof import('minio');
  return new MinioClient({
    partSize: UPLOAD_PART_BYTES,
    endPoint: settings.endpoint,
    port: settings.port,
    useSSL: settings.useSSL,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    region: settings.region,
    // MinIO behind a plain host name or IP address: bucket in the path, never in the host name.
    pathStyle: true,
  });
}

/** `host:port` of the server, for error messages (credentials never appear there). */
export function describeEndpoint(settings: S3Settings): string {
  const scheme = settings.useSSL ? 'https' : 'http';
  return settings.port === undefined ? `${scheme}://${settings.endpoint}` : `${scheme}://${settings.endpoint}:${settings.port}`;
}

/** The S3 error code (NoSuchKey, NotImplemented, …) of a minio error, if it has one. */
export function s3ErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  const code = s3ErrorCode(error);
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchVersion';
}

/** Wraps an unexpected backend failure so callers see what was attempted and where, not a bare socket error. */
export function backendError(action: string, where: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const code = s3ErrorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new StorageBackendError(`S3 ${action} at ${where} failed: ${code === undefined ? detail : `${code}: ${detail}`}`, error);
}
