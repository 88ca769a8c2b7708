import type { Server } from 'node:http';
import type { HttpLimits } from './http-limits';

/** How often Node looks for requests past headersTimeout or requestTimeout; its default, 30 s, would add up to 30 s to each deadline. */
const DEADLINE_CHECK_MS = 1000;

/**
 * Node's own deadlines on a server that is not listening yet: headers, whole request, keep-alive.
 * Must run before listen(): Node starts its deadline checks, at the interval set here, when the
 * server begins listening.
 */
export function applyServerDeadlines(server: Server, limits: HttpLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = DEADLINE_CHECK_MS;
  if (limits.headersTimeoutMs > 0) closeSilentConnections(server, limits.headersTimeoutMs);
}

/** headersTimeout starts at a request's first byte: a connection that never sends one would stay open for good. */
function closeSilentConnections(server: Server, afterMs: number): void {
  server.on('connection', (socket) => {
    const timer = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, afterMs).unref();
    socket.once('close', () => clearTimeout(timer));
  });
}
