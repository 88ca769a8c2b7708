import { createHash, randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { startS3Server } from '@edoc/testing';
import { Client } from 'minio';

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startS3Server (the S3 server of the integration tests)', () => {
  it('serves the S3 protocol to the minio client, path-style in us-east-1, and cleans up on stop', async () => {
    const server = await startS3Server();
    const other = await startS3Server();
    try {
      expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(other.port).not.toBe(server.port);
      const url = new URL(server.endpoint);
      const client = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: server.accessKey, secretKey: server.secretKey, region: 'us-east-1', pathStyle: true });
      await client.makeBucket('probe', 'us-east-1');
      await client.putObject('probe', 'hello.txt', Buffer.from('xin chào'));
      const chunks: Buffer[] = [];
      for await (const chunk of await client.getObject('probe', 'hello.txt')) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('xin chào');

      // s3rver checks the access key id (it does not verify V4 signatures, so a wrong secret goes unnoticed).
      const stranger = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: 'STRANGER', secretKey: 'x', region: 'us-east-1', pathStyle: true });
      await expect(stranger.getObject('probe', 'hello.txt')).rejects.toThrow(/Access Key Id you provided does not exist/);
    } finally {
      await server.stop();
      await other.stop();
    }
    await expect(access(server.directory)).rejects.toThrow(/ENOENT/);
    expect(await portAccepts(server.port)).toBe(false);
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it('takes a multipart upload from the minio client, which first asks for uploads in progress', async () => {
    const server = await startS3Server();
    try {
      const client = new Client({ endPoint: '127.0.0.1', port: server.port, useSSL: false, accessKey: server.accessKey, secretKey: server.secretKey, region: 'us-east-1', pathStyle: true, partSize: 5 * 1024 * 1024 });
      await client.makeBucket('parts', 'us-east-1');
      const data = randomBytes(11 * 1024 * 1024);
      await client.putObject('parts', 'big.bin', Readable.from([data.subarray(0, 6_000_000), data.subarray(6_000_000)]), data.length);
      const hash = createHash('sha256');
      for await (const chunk of await client.getObject('parts', 'big.bin')) hash.update(chunk as Buffer);
      expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    } finally {
      await server.stop();
    }
  });
});
