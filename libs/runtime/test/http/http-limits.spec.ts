import { describeHttpLimits, httpLimitsFromEnv } from '../../src/http/http-limits';

describe('httpLimitsFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('closes a slowloris well within 30 s by default, and gives a large upload an hour', () => {
    const limits = httpLimitsFromEnv();
    expect(limits.headersTimeoutMs).toBeLessThanOrEqual(15_000);
    expect(limits.bodyRateWindowMs).toBeLessThanOrEqual(15_000);
    // One byte every 100 ms is 10 B/s: far below the minimum rate.
    expect(limits.bodyMinBytesPerSecond).toBeGreaterThan(10);
    expect(limits.requestTimeoutMs).toBe(3_600_000);
    expect(describeHttpLimits(limits)).toBe('headers within 10 s; body at least 500 B/s over 10 s; whole request within 3600 s; keep-alive 5 s; 1000 requests per connection');
  });

  it('reads every limit from its EDOC_HTTP_* variable, 0 turning it off', () => {
    Object.assign(process.env, {
      EDOC_HTTP_HEADERS_TIMEOUT_MS: '5000',
      EDOC_HTTP_REQUEST_TIMEOUT_MS: '0',
      EDOC_HTTP_BODY_MIN_BYTES_PER_SECOND: '0',
      EDOC_HTTP_BODY_RATE_WINDOW_MS: '20000',
      EDOC_HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      EDOC_HTTP_MAX_REQUESTS_PER_SOCKET: '0',
    });
    const limits = httpLimitsFromEnv();
    expect(limits).toEqual({ headersTimeoutMs: 5000, requestTimeoutMs: 0, bodyMinBytesPerSecond: 0, bodyRateWindowMs: 20000, keepAliveTimeoutMs: 65000, maxRequestsPerSocket: 0 });
    expect(describeHttpLimits(limits)).toBe('headers within 5 s; no minimum body rate; no deadline for a whole request; keep-alive 65 s; any number of requests per connection');
  });

  it('refuses combinations Node would reject or that cannot be measured', () => {
    process.env.EDOC_HTTP_REQUEST_TIMEOUT_MS = '5000';
    process.env.EDOC_HTTP_HEADERS_TIMEOUT_MS = '10000';
    expect(() => httpLimitsFromEnv()).toThrow('must not exceed EDOC_HTTP_REQUEST_TIMEOUT_MS');
    process.env.EDOC_HTTP_REQUEST_TIMEOUT_MS = '60000';
    process.env.EDOC_HTTP_BODY_RATE_WINDOW_MS = '500';
    expect(() => httpLimitsFromEnv()).toThrow('EDOC_HTTP_BODY_RATE_WINDOW_MS must be at least 1000');
    process.env.EDOC_HTTP_BODY_RATE_WINDOW_MS = 'soon';
    expect(() => httpLimitsFromEnv()).toThrow('must be a non-negative integer');
  });
});
