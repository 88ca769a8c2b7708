import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDownloadCommand } from '../src/commands/download';
import { runCli } from './sign-cli-runner';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('edoc download', () => {
  let dir: string;
  let server: Server;
  let url: string;
  /** What the fake intake serves for any file, in chunks as a real download arrives. */
  let served: Buffer;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/pdf' });
      for (let offset = 0; offset < served.length; offset += 64 * 1024) response.write(served.subarray(offset, offset + 64 * 1024));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'edoc-cli-download-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the file once its SHA-256 is checked', async () => {
    served = randomBytes(3 * 1024 * 1024 + 1);
    const result = await runCli(buildDownloadCommand, [sha256(served).toUpperCase(), '-o', join(dir, 'cong-van.pdf'), '--url', url, '--token', 't']);
    expect(result.out).toBe(`wrote ${join(dir, 'cong-van.pdf')} (${served.length} bytes, SHA-256 checked)`);
    expect(sha256(readFileSync(join(dir, 'cong-van.pdf')))).toBe(sha256(served));
    expect(readdirSync(dir)).toEqual(['cong-van.pdf']);
    expect(statSync(join(dir, 'cong-van.pdf')).mode & 0o777).toBe(0o644);
  });

  it('writes nothing, and leaves nothing behind, when the bytes are not the file asked for', async () => {
    served = randomBytes(100_000);
    const asked = sha256(Buffer.from('another file'));
    await expect(runCli(buildDownloadCommand, [asked, '-o', join(dir, 'cong-van.pdf'), '--url', url, '--token', 't'])).rejects.toThrow(`not ${asked}: nothing written`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
