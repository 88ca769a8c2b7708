import { envInt } from '@edoc/config';

/**
 * How long, and how slowly, a client may take over one request. Each value comes from an EDOC_HTTP_*
 * variable (milliseconds, bytes; 0 turns that limit off).
 *
 * A request has two deadlines, because a body may honestly take long and headers never do:
 * - headers: all of them within `headersTimeoutMs` of the first byte (a few KB: seconds even on a bad
 *   link). A connection that sends nothing at all is closed after the same time.
 * - body: no fixed total time (a 500 MiB scan over a ward office's line takes most of an hour), but a
 *   minimum rate: while the server waits for the client, at least `bodyMinBytesPerSecond` averaged
 *   over any `bodyRateWindowMs`. The time the application itself takes to read (backpressure while a
 *   file is written) is not counted against the client. `requestTimeoutMs` is the generous ceiling
 *   for a client that keeps just above that rate.
 */
export interface HttpLimits {
  /** EDOC_HTTP_HEADERS_TIMEOUT_MS, default 10 s. */
  headersTimeoutMs: number;
  /**
   * EDOC_HTTP_REQUEST_TIMEOUT_MS, default 1 h: the whole request (headers and body) received. A file
   * may be 500 MiB (EDOC_MAX_FILE_BYTES): an hour takes it over a line of about 1.2 Mbit/s.
   */
  requestTimeoutMs: number;
  /** EDOC_HTTP_BODY_MIN_BYTES_PER_SECOND, default 500 (Apache mod_reqtimeout's MinRate). */
  bodyMinBytesPerSecond: number;
  /** EDOC_HTTP_BODY_RATE_WINDOW_MS, default 10 s: the span over which the body rate is averaged. */
  bodyRateWindowMs: number;
  /** EDOC_HTTP_KEEP_ALIVE_TIMEOUT_MS, default 5 s (Node's): how long an idle kept-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** EDOC_HTTP_MAX_REQUESTS_PER_SOCKET, default 1000: then the connection closes and the client opens another. */
  maxRequestsPerSocket: number;
}

export function httpLimitsFromEnv(): HttpLimits {
  const limits: HttpLimits = {
    headersTimeoutMs: envInt('EDOC_HTTP_HEADERS_TIMEOUT_MS', 10_000),
    requestTimeoutMs: envInt('EDOC_HTTP_REQUEST_TIMEOUT_MS', 60 * 60_000),
    bodyMinBytesPerSecond: envInt('EDOC_HTTP_BODY_MIN_BYTES_PER_SECOND', 500),
    bodyRateWindowMs: envInt('EDOC_HTTP_BODY_RATE_WINDOW_MS', 10_000),
    keepAliveTimeoutMs: envInt('EDOC_HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000),
    maxRequestsPerSocket: envInt('EDOC_HTTP_MAX_REQUESTS_PER_SOCKET', 1000),
  };
  // Node refuses this combination when a server is created; set on a running server it would go unnoticed.
  if (limits.requestTimeoutMs > 0 && limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(`EDOC_HTTP_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed EDOC_HTTP_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`);
  }
  if (limits.bodyMinBytesPerSecond > 0 && limits.bodyRateWindowMs < 1000) {
    throw new Error(`EDOC_HTTP_BODY_RATE_WINDOW_MS must be at least 1000 when a minimum body rate is set, got ${limits.bodyRateWindowMs}`);
  }
  return limits;
}

/** One line for the start-up log, so an operator sees the limits in force. */
export function describeHttpLimits(limits: HttpLimits): string {
  const seconds = (ms: number) => `${ms / 1000} s`;
  return [
    limits.headersTimeoutMs === 0 ? 'no headers deadline' : `headers within ${seconds(limits.headersTimeoutMs)}`,
    limits.bodyMinBytesPerSecond === 0 ? 'no minimum body rate' : `body at least ${limits.bodyMinBytesPerSecond} B/s over ${seconds(limits.bodyRateWindowMs)}`,
    limits.requestTimeoutMs === 0 ? 'no deadline for a whole request' : `whole request within ${seconds(limits.requestTimeoutMs)}`,
    limits.keepAliveTimeoutMs === 0 ? 'no keep-alive timeout' : `keep-alive ${seconds(limits.keepAliveTimeoutMs)}`,
    limits.maxRequestsPerSocket === 0 ? 'any number of requests per connection' : `${limits.maxRequestsPerSocket} requests per connection`,
  ].join('; ');
}
