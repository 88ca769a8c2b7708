import { applyDecorators, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiResponse } from '@nestjs/swagger';
import { RATE_LIMIT_BUCKETS, type RateLimitBucket } from './rate-limits';
import { RateLimitGuard } from './rate-limit.guard';

/** The route draws on the user's `bucket`: past its limit the answer is 429 with Retry-After. */
export function RateLimit(bucket: RateLimitBucket): MethodDecorator & ClassDecorator {
  const others = RATE_LIMIT_BUCKETS.filter((other) => other !== bucket);
  return applyDecorators(
    SkipThrottle(Object.fromEntries(others.map((other) => [other, true]))),
    UseGuards(RateLimitGuard),
    ApiResponse({ status: 429, description: `too many ${bucket} by this user within the window (EDOC_RATE_LIMIT_${bucket.toUpperCase()}): try again after Retry-After seconds` }),
  );
}
