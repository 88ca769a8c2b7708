import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { rateLimitsFromEnv } from './rate-limits';

/** The limits and counters behind @RateLimit(), for every module of a service (ThrottlerModule is global). */
@Module({
  imports: [ThrottlerModule.forRootAsync({ useFactory: () => ({ throttlers: rateLimitsFromEnv(), setHeaders: false }) })],
})
export class RateLimitModule {}
