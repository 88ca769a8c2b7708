import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BodyRateWindow } from './body-rate-window';

const TICK_MS = 1000;

/** What a cut client reads when nothing of its answer was sent yet; the answer Node gives at its own request deadline. */
const TOO_SLOW = 'the request body arrived too slowly';
const REQUEST_TIMEOUT_RESPONSE = `HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(TOO_SLOW)}\r\n\r\n${TOO_SLOW}`;

interface Watched {
  response: ServerResponse;
  socket: Socket;
  /** The socket's count at the last tick; undefined until the first tick, which starts the first whole second. */
  bytesRead: number | undefined;
  window: BodyRateWindow;
}

export interface SlowBodyCut {
  method: string;
  url: string;
  remoteAddress: string;
  /** Bytes received over the window that was too slow. */
  bytes: number;
}

/**
 * Closes the connection of a request whose body arrives slower than a minimum rate (one byte every
 * 100 ms holds a connection, an upload slot and a staging file for as long as the client likes).
 * Every second it compares, for each request still receiving its body, the bytes its socket read;
 * a second in which the application held unread data is the server's, not the client's, and does
 * not count. Node's own requestTimeout stays the ceiling of the whole request.
 */
export class SlowBodyCutter {
  private readonly watched = new Map<IncomingMessage, Watched>();
  private readonly ticks: number;
  private readonly minBytes: number;

  constructor(
    server: Server,
    limits: { minBytesPerSecond: number; windowMs: number },
    private readonly onCut: (cut: SlowBodyCut) => void,
  ) {
    this.ticks = Math.max(1, Math.round(limits.windowMs / TICK_MS));
    this.minBytes = limits.minBytesPerSecond * (this.ticks * TICK_MS) / 1000;
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.watch(request, response));
    const timer = setInterval(() => this.tick(), TICK_MS).unref();
    server.once('close', () => clearInterval(timer));
  }

  private watch(request: IncomingMessage, response: ServerResponse): void {
    if (request.complete) return;
    this.watched.set(request, { response, socket: request.socket, bytesRead: undefined, window: new BodyRateWindow(this.ticks, this.minBytes) });
  }

  private tick(): void {
    for (const [request, watched] of this.watched) {
      if (request.complete || watched.socket.destroyed) {
        this.watched.delete(request);
        continue;
      }
      const bytesRead = watched.socket.bytesRead;
      const arrived = bytesRead - (watched.bytesRead ?? bytesRead);
      const first = watched.bytesRead === undefined;
      watched.bytesRead = bytesRead;
      // Unread data in the request: the application's turn, not the client's.
      if (first || request.readableLength > 0) continue;
      if (watched.window.record(arrived)) this.cut(request, watched);
    }
  }

  private cut(request: IncomingMessage, { response, socket, window }: Watched): void {
    this.watched.delete(request);
    this.onCut({ method: request.method ?? '?', url: request.url ?? '?', remoteAddress: socket.remoteAddress ?? '?', bytes: window.bytes });
    // Only when this answer is the one the connection is at and none of it went out: otherwise 408
    // bytes would land in the middle of another response.
    if (response.socket === socket && !response.headersSent && socket.writable) socket.write(REQUEST_TIMEOUT_RESPONSE);
    socket.destroy();
  }
}
