import { connect, type Socket } from 'node:net';
import { TestExchange } from '../support/test-exchange';

/** What a deadline must do to a hostile client at the latest (the figure); the defaults do it in about 11 s. */
const DEADLINE_MS = 30_000;
const SUBMISSIONS_LIMIT = 3;
const DOWNLOADS_LIMIT = 4;

interface Hangup {
  /** Milliseconds from the first byte sent to the connection closing. */
  closedAfterMs: number;
  /** What the server wrote before closing. */
  answer: string;
  bytesSent: number;
}

/**
 * Opens a connection, writes `head` at once and then one byte of `drip` every 100 ms until the
 * server hangs up (or the test's patience ends, which fails the test).
 */
function trickle(port: number, head: string, drip: string): Promise<Hangup> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    let bytesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    const began = Date.now();
    const patience = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${Date.now() - began} ms and ${bytesSent} bytes`));
    }, DEADLINE_MS + 15_000);
    socket.on('connect', () => {
      socket.write(head);
      bytesSent += Buffer.byteLength(head);
      let index = 0;
      timer = setInterval(() => {
        if (socket.writable) {
          socket.write(drip[index++ % drip.length]);
          bytesSent++;
        }
      }, 100);
    });
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined); // a reset is a hang-up too
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(patience);
      resolve({ closedAfterMs: Date.now() - began, answer, bytesSent });
    });
  });
}

/** A connection that never sends a byte. */
function silent(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const began = Date.now();
    const patience = setTimeout(() => socket.destroy(), DEADLINE_MS + 15_000);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(patience);
      resolve(Date.now() - began);
    });
  });
}

describe('HTTP hardening: deadlines, security headers, rate limits', () => {
  let exchange: TestExchange;
  const port = (service: 'intake' | 'metrics') => Number(new URL(exchange.url(service)).port);

  beforeAll(async () => {
    // Deadlines at their defaults; rate limits low enough to reach in a few requests.
    exchange = await TestExchange.start({ env: { EDOC_RATE_LIMIT_SUBMISSIONS: String(SUBMISSIONS_LIMIT), EDOC_RATE_LIMIT_DOWNLOADS: String(DOWNLOADS_LIMIT) } });
  });

  afterAll(async () => {
    await exchange?.stop();
  });

  it('closes a slowloris (headers or body at one byte every 100 ms) and a silent connection within the deadline', async () => {
    const boundary = 'edoc-slow-boundary';
    const [headers, body, idle] = await Promise.all([
      trickle(port('intake'), `GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n`, 'X-Slow-Header: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'),
      trickle(
        port('intake'),
        `POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${exchange.token('vp.clerk')}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
        '%',
      ),
      silent(port('metrics')),
    ]);
    console.log(`slowloris headers closed after ${headers.closedAfterMs} ms (${headers.bytesSent} bytes), slow body after ${body.closedAfterMs} ms (${body.bytesSent} bytes), silent connection after ${idle} ms`);

    expect(headers.closedAfterMs).toBeLessThan(DEADLINE_MS);
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(body.closedAfterMs).toBeLessThan(DEADLINE_MS);
    expect(body.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(idle).toBeLessThan(DEADLINE_MS);
    // An honest request goes on being served.
    expect((await fetch(exchange.url('intake', '/health/live'))).status).toBe(200);
    expect(exchange.logOf('intake')).toMatch(/cut POST \/documents from 127\.0\.0\.1: \d+ bytes of body in 10 s, below 500 B\/s/);
  });

  it("sends helmet's headers from intake and metrics, with a CSP Swagger UI and the dashboard work under", async () => {
    for (const url of [exchange.url('intake', '/health/live'), exchange.url('intake', '/docs'), exchange.url('metrics', '/health/live')]) {
      const response = await fetch(url);
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('x-powered-by')).toBeNull();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
    // Swagger UI's page runs only scripts it loads from intake itself (an inline one would be blocked).
    const docs = await (await fetch(exchange.url('intake', '/docs'))).text();
    expect(docs).toContain('swagger-ui-init.js');
    expect(docs).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await fetch(exchange.url('intake', '/docs/swagger-ui-init.js'))).status).toBe(200);
    // The reference declares the submission's Idempotency-Key once, and optional, as it is.
    const reference = (await (await fetch(exchange.url('intake', '/docs-json'))).json()) as { paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>> };
    const idempotency = (reference.paths['/documents']?.post?.parameters ?? []).filter((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
    expect(idempotency).toEqual([expect.objectContaining({ name: 'Idempotency-Key', required: false })]);
    // The dashboard's pages keep their own, stricter policy.
    const dashboard = await fetch(exchange.url('metrics', '/dashboard'));
    expect(dashboard.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(dashboard.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 429 with Retry-After to one token past its submission limit, and not to another', async () => {
    const submit = (user: string) => fetch(exchange.url('intake', '/documents'), { method: 'POST', headers: { authorization: `Bearer ${exchange.token(user)}` }, body: new FormData() });
    const statuses: number[] = [];
    for (let i = 0; i <= SUBMISSIONS_LIMIT; i++) statuses.push((await submit('hbt.clerk')).status);
    // Refused for want of a file (4xx), but counted: the limit is on requests, not on documents.
    expect(statuses.slice(0, SUBMISSIONS_LIMIT).every((status) => status !== 429 && status < 500)).toBe(true);
    expect(statuses[SUBMISSIONS_LIMIT]).toBe(429);

    const refused = await submit('hbt.clerk');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(((await refused.json()) as { message: string }).message).toMatch(/hbt\.clerk may make 3 of this kind in 60 s; try again in \d+ s/);

    expect((await submit('tp.clerk')).status).not.toBe(429);
  });

  it('answers 429 with Retry-After to one token past its download limit, and not to another', async () => {
    const download = (user: string) => fetch(exchange.url('intake', `/files/${'0'.repeat(64)}`), { headers: { authorization: `Bearer ${exchange.token(user)}` } });
    const statuses: number[] = [];
    for (let i = 0; i <= DOWNLOADS_LIMIT; i++) statuses.push((await download('bachdang.clerk')).status);
    expect(statuses.slice(0, DOWNLOADS_LIMIT).every((status) => status !== 429)).toBe(true);
    expect(statuses[DOWNLOADS_LIMIT]).toBe(429);
    const refused = await download('bachdang.clerk');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    expect((await download('bachmai.clerk')).status).not.toBe(429);
  });
});
