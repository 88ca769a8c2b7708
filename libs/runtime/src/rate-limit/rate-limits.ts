import type { ThrottlerOptions } from '@nestjs/throttler';
import { envInt } from '@edoc/config';

/** The budgets a route can draw on; each user (or address, unauthenticated) has one of each. */
export const RATE_LIMIT_BUCKETS = ['submissions', 'downloads'] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

/**
 * How many requests one user may make to the routes of a bucket within a sliding window:
 * EDOC_RATE_LIMIT_<BUCKET> (0 turns the bucket off) and EDOC_RATE_LIMIT_<BUCKET>_WINDOW_MS.
 *
 * Defaults are far above any clerk or ward system, and above the test suites (the chaos run sends
 * 200 documents from 4 clerks, about 50 each; a ward system fetches one file per delivery): a
 * script that hammers intake with one token meets them within seconds.
 * - submissions: 300 a minute. Uploads in progress at once are bounded apart (EDOC_UPLOAD_CONCURRENCY*).
 * - downloads: 1200 a minute, 20 a second, enough for a ward system catching up on a backlog.
 */
export function rateLimitsFromEnv(): ThrottlerOptions[] {
  const defaults: Record<RateLimitBucket, number> = { submissions: 300, downloads: 1200 };
  return RATE_LIMIT_BUCKETS.map((bucket) => {
    const variable = `EDOC_RATE_LIMIT_${bucket.toUpperCase()}`;
    const limit = envInt(variable, defaults[bucket]);
    const ttl = envInt(`${variable}_WINDOW_MS`, 60_000);
    if (ttl === 0) throw new Error(`${variable}_WINDOW_MS must be positive`);
    // blockDuration 0: no penalty beyond the window, so Retry-After says when the oldest request
    // leaves the window and the next one will be taken.
    return { name: bucket, limit, ttl, blockDuration: 0, skipIf: () => limit === 0 };
  });
}
