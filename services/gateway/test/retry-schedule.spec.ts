import { afterFailure, retryDelayMs } from '../src/domain/retry-schedule';

const options = { firstMs: 5_000, maxMs: 600_000, maxAttempts: 4 };
const now = new Date('2026-12-04T08:00:00Z');

describe('the retry schedule of posts to the axis', () => {
  it('doubles from the first delay up to the cap, spread by at most a fifth either way', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, options, () => 0.5))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(30, options, () => 0.5)).toBe(600_000);
    expect(retryDelayMs(1, options, () => 0)).toBe(4_000);
    expect(retryDelayMs(1, options, () => 0.999999)).toBeLessThanOrEqual(6_000);
    // A very large count neither overflows nor goes past the cap.
    expect(retryDelayMs(10_000, options, () => 0.999999)).toBeLessThanOrEqual(720_000);
  });

  it('tries again after a passing failure, until the last attempt', () => {
    expect(afterFailure({ kind: 'retry', reason: 'HTTP 503' }, 1, options, now, () => 0.5)).toEqual({ state: 'pending', nextAttemptAt: new Date('2026-12-04T08:00:05Z'), reason: 'HTTP 503' });
    expect(afterFailure({ kind: 'retry', reason: 'HTTP 503' }, 4, options, now)).toEqual({ state: 'dead', reason: 'gave up after 4 attempts; last: HTTP 503' });
  });

  it('gives up at once on a refusal: the axis would refuse it again', () => {
    expect(afterFailure({ kind: 'refused', reason: 'HTTP 400: unknown organ' }, 1, options, now)).toEqual({ state: 'dead', reason: 'refused by the axis: HTTP 400: unknown organ' });
  });
});
