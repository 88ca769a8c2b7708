import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { HttpLimits } from '../../src/http/http-limits';
import { applyServerDeadlines } from '../../src/http/server-deadlines';
import { type SlowBodyCut, SlowBodyCutter } from '../../src/http/slow-body-cutter';

/** Short deadlines, so each case takes a few seconds. */
const LIMITS: HttpLimits = { headersTimeoutMs: 1500, requestTimeoutMs: 60_000, bodyMinBytesPerSecond: 500, bodyRateWindowMs: 2000, keepAliveTimeoutMs: 5000, maxRequestsPerSocket: 100 };

interface Exchange {
  closedAfterMs: number;
  answer: string;
}

/** Writes `head`, then `chunk` every `everyMs` until the server answers and closes, or `giveUpMs`. */
function client(port: number, head: string, chunk: string, everyMs: number, giveUpMs = 10_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const began = Date.now();
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearInterval(timer);
      clearTimeout(patience);
      resolve({ closedAfterMs: Date.now() - began, answer });
    };
    const patience = setTimeout(() => {
      socket.destroy();
    }, giveUpMs);
    socket.on('connect', () => {
      if (head !== '') socket.write(head);
      if (chunk !== '') timer = setInterval(() => socket.writable && socket.write(chunk), everyMs);
    });
    socket.on('data', (data) => (answer += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', done);
  });
}

describe('server deadlines and the slow body cutter', () => {
  let server: Server;
  let port: number;
  const cuts: SlowBodyCut[] = [];
  /** How the test application reads a body: at once, or only after a pause of its own. */
  let readAfterMs = 0;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let bytes = 0;
      setTimeout(() => request.on('data', (chunk: Buffer) => (bytes += chunk.length)), readAfterMs);
      request.on('end', () => response.end(`read ${bytes}`));
    });
    applyServerDeadlines(server, LIMITS);
    new SlowBodyCutter(server, { minBytesPerSecond: LIMITS.bodyMinBytesPerSecond, windowMs: LIMITS.bodyRateWindowMs }, (cut) => cuts.push(cut));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    cuts.length = 0;
    readAfterMs = 0;
  });

  it('answers 408 and closes a connection whose headers trickle past the deadline', async () => {
    const result = await client(port, 'GET / HTTP/1.1\r\nHost: x\r\n', 'X', 100);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(1400);
    expect(result.closedAfterMs).toBeLessThan(1500 + 1500);
  });

  it('closes a connection that never sends a byte', async () => {
    const result = await client(port, '', '', 0);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(1400);
    expect(result.closedAfterMs).toBeLessThan(1500 + 500);
  });

  it('answers 408 and closes a body trickling below the minimum rate, once a window has passed', async () => {
    const result = await client(port, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n', 'X', 100);
    expect(result.answer).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 35\r\n\r\nthe request body arrived too slowly');
    // A whole window of 2 s, begun at the first tick after the headers (within 1 s).
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(2000);
    expect(result.closedAfterMs).toBeLessThan(3000 + 500);
    expect(cuts).toEqual([{ method: 'POST', url: '/upload', remoteAddress: '127.0.0.1', bytes: expect.any(Number) }]);
    expect(cuts[0].bytes).toBeLessThan(1000);
  });

  it('keeps a body that arrives slowly but above the rate, however long it takes', async () => {
    // 1 KB/s for 4 s: twice the window, twice the minimum rate.
    const size = 4096;
    const result = await new Promise<Exchange>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const began = Date.now();
      let answer = '';
      let sent = 0;
      socket.on('connect', () => {
        socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
        const timer = setInterval(() => {
          socket.write('Y'.repeat(128));
          sent += 128;
          if (sent >= size) clearInterval(timer);
        }, 125);
      });
      socket.on('data', (data) => (answer += data.toString('latin1')));
      socket.on('close', () => resolve({ closedAfterMs: Date.now() - began, answer }));
    });
    expect(result.answer).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*read 4096$/);
    expect(cuts).toEqual([]);
  });

  it('does not count against the client the time the application takes to read', async () => {
    readAfterMs = 5000; // the application reads nothing for 2.5 windows
    const body = 'Z'.repeat(64 * 1024);
    const result = await client(port, `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, '', 0);
    expect(result.answer).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*read 65536$/);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(5000);
    expect(cuts).toEqual([]);
  });
});
