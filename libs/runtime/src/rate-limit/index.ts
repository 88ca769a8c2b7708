export { RateLimit } from './rate-limit.decorator';
export { RateLimitModule } from './rate-limit.module';
export { RATE_LIMIT_BUCKETS, type RateLimitBucket, rateLimitsFromEnv } from './rate-limits';
