import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { S3Settings } from '@edoc/config';
import S3rver from 's3rver';

/** A throw-away S3-protocol server on loopback, for integration tests of the S3 backends. */
export interface TestS3Server {
  /** `http://127.0.0.1:PORT`, suitable for EDOC_S3_ENDPOINT. */
  endpoint: string;
  host: string;
  port: number;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Where s3rver keeps the buckets; removed by stop(). */
  directory: string;
  /** The same server as `loadConfig().s3` would describe it. */
  settings: S3Settings;
  /** Closes the server and removes its data folder. Safe to call twice. */
  stop(): Promise<void>;
}

// s3rver checks signatures against these fixed credentials.
const S3RVER_KEY = 'S3RVER';

/**
 * Starts s3rver on a free port of 127.0.0.1 over a fresh temporary folder. Each call is independent,
 * so test files running in parallel never share buckets.
 */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'edoc-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    // Clients talk path-style to an IP address; virtual-host buckets would only confuse the routing.
    vhostBuckets: false,
    allowMismatchedSignatures: false,
  });
  answerMultipartListing(server);
  let address;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    host: '127.0.0.1',
    port: address.port,
    accessKey: S3RVER_KEY,
    secretKey: S3RVER_KEY,
    region: 'us-east-1',
    directory,
    settings: { endpoint: '127.0.0.1', port: address.port, useSSL: false, accessKey: S3RVER_KEY, secretKey: S3RVER_KEY, region: 'us-east-1' },
    stop() {
      stopped ??= (async () => {
        try {
          const closing = server.close();
          // Node 20 clients keep sockets alive; without this, close() waits for their idle timeout.
          (server as unknown as { httpServer?: Server }).httpServer?.closeAllConnections();
          await closing;
        } finally {
          await rm(directory, { recursive: true, force: true });
        }
      })();
      return stopped;
    },
  };
}

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, unknown>;
  type: string;
  body: unknown;
}

/**
 * s3rver takes multipart uploads but cannot list those in progress (GET /<bucket>?uploads), which
 * the minio client asks before each multipart upload, to resume one. The test server answers that
 * none is in progress, so the stores' uploads of big files (in parts) can be tested against it.
 */
function answerMultipartListing(server: S3rver): void {
  const middleware = (server as unknown as { middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[] }).middleware;
  middleware.unshift(async (ctx, next) => {
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    if (ctx.method !== 'GET' || bucket === undefined || !('uploads' in ctx.query)) return next();
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`;
  });
}
