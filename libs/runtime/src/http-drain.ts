import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Lets an HTTP server finish the requests it has begun and take no others. server.close() alone
 * stops accepting connections and closes the idle ones, but a kept-alive connection busy at that
 * moment stays open and carries the client's next request as well: under steady load (clerks'
 * uploads) the server never runs dry and only the grace period ends the stop. While draining, every
 * response says `Connection: close`, and a connection that could no longer be told so is closed as
 * soon as its response is done.
 */
export class HttpDrain {
  private readonly open = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    // Before the application's own listener, so a response is tracked before it can be written.
    server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => this.track(response));
  }

  /** Requests being answered right now. */
  get inFlight(): number {
    return this.open.size;
  }

  /**
   * Stops accepting, lets the requests in progress finish, and resolves once every connection is
   * closed. Connections still open after `graceMs` are cut (`onCut` says how many requests that ends).
   */
  async drain(graceMs: number, onCut: (requests: number) => void): Promise<void> {
    this.draining = true;
    for (const response of this.open) this.lastOnItsConnection(response);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const grace = setTimeout(() => {
      onCut(this.open.size);
      this.server.closeAllConnections();
    }, graceMs);
    await closed;
    clearTimeout(grace);
  }

  private track(response: ServerResponse): void {
    this.open.add(response);
    if (this.draining) this.lastOnItsConnection(response);
    response.once('close', () => {
      this.open.delete(response);
      // A response that had already sent its headers left its connection open and now idle.
      if (this.draining) this.server.closeIdleConnections();
    });
  }

  private lastOnItsConnection(response: ServerResponse): void {
    if (!response.headersSent) response.setHeader('connection', 'close');
  }
}
