import { access } from 'node:fs/promises';
import { connect } from 'node:net';
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
});
