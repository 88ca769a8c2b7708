import { createHash } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTimestampClient, LocalTimestampAuthority, createIssuingCa, createRootCa, issueTimestampingCertificate, loadSigningIdentity, verifyTimestampToken } from '@edoc/pki';

/** The HTTP client against a real RFC 3161 endpoint on loopback (our TSA behind node:http). */
describe('HttpTimestampClient', () => {
  const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
  const cred = issueTimestampingCertificate(ca, { commonName: 'TSA', keyAlgorithm: 'ec-p256' });
  const tsa = new LocalTimestampAuthority(loadSigningIdentity({ certificatePem: cred.certificatePem, privateKeyPem: cred.privateKeyPem, chainPem: [ca.certificatePem] }));
  let server: Server;
  let base: string;
  let mode: 'ok' | 'http500' | 'garbage' | 'wrong-imprint' = 'ok';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (req.headers['content-type'] !== 'application/timestamp-query') {
          res.writeHead(415).end();
          return;
        }
        if (req.url === '/private' && req.headers.authorization !== `Basic ${Buffer.from('user:s3cret').toString('base64')}`) return void res.writeHead(401).end();
        if (mode === 'http500') return void res.writeHead(500).end();
        if (mode === 'garbage') return void res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end('hello');
        const request = Buffer.concat(chunks);
        if (mode === 'wrong-imprint') request[request.indexOf(imprint)] ^= 0xff;
        const body = tsa.respond(request);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    mode = 'ok';
  });

  const imprint = createHash('sha256').update('x').digest();

  test('obtains a token over the imprint, with the nonce checked', async () => {
    const token = await new HttpTimestampClient(base).timestamp(imprint, 'sha256');
    expect(verifyTimestampToken(token, { hash: 'sha256', digest: imprint }).problems).toEqual([]);
  });

  test('credentials in the URL are sent as Basic authentication', async () => {
    const url = base.replace('http://', 'http://user:s3cret@').replace('/tsa', '/private');
    const token = await new HttpTimestampClient(url).timestamp(imprint, 'sha256');
    expect(verifyTimestampToken(token, { hash: 'sha256', digest: imprint }).problems).toEqual([]);
    await expect(new HttpTimestampClient(base.replace('/tsa', '/private')).timestamp(imprint, 'sha256')).rejects.toThrow(/answered HTTP 401/);
  });

  test.each([
    ['http500', /answered HTTP 500/],
    ['garbage', /unreadable reply/],
    ['wrong-imprint', /stamped a different digest/],
  ] as const)('a TSA that misbehaves (%s) is a clear TIMESTAMP_FAILED', async (m, message) => {
    mode = m;
    await expect(new HttpTimestampClient(base).timestamp(imprint, 'sha256')).rejects.toMatchObject({ code: 'TIMESTAMP_FAILED', message: expect.stringMatching(message) });
  });

  test('an unreachable TSA fails fast and credentials in the URL are not shown', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempt = new HttpTimestampClient(`http://user:s3cret@127.0.0.1:${port}/`, { timeoutMs: 2000 }).timestamp(imprint, 'sha256');
    await expect(attempt).rejects.toMatchObject({ code: 'TIMESTAMP_FAILED', message: expect.stringContaining('unreachable') });
    await expect(attempt).rejects.toMatchObject({ message: expect.not.stringContaining('s3cret') });
    expect(() => new HttpTimestampClient('ftp://x')).toThrow(/must be http or https/);
  });
});
