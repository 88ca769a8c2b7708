import type { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { allowEdocOrigins } from './cors';
import { describeHttpLimits, httpLimitsFromEnv } from './http-limits';
import { securityHeaders } from './security-headers';
import { applyServerDeadlines } from './server-deadlines';
import { SlowBodyCutter } from './slow-body-cutter';

/**
 * What every service's HTTP server does against hostile clients, before it listens and before any
 * route (Swagger UI's included) is registered: security headers, deadlines for headers and the whole
 * request, a minimum body rate, keep-alive limits. Per-user rate limits are route by route (RateLimit).
 */
export function hardenHttp(app: INestApplication, logger: Logger): void {
  const limits = httpLimitsFromEnv();
  app.use(securityHeaders());
  allowEdocOrigins(app);
  const server = app.getHttpServer() as Server;
  applyServerDeadlines(server, limits);
  if (limits.bodyMinBytesPerSecond > 0) {
    new SlowBodyCutter(server, { minBytesPerSecond: limits.bodyMinBytesPerSecond, windowMs: limits.bodyRateWindowMs }, (cut) =>
      logger.warn(`cut ${cut.method} ${cut.url} from ${cut.remoteAddress}: ${cut.bytes} bytes of body in ${limits.bodyRateWindowMs / 1000} s, below ${limits.bodyMinBytesPerSecond} B/s`),
    );
  }
  logger.log(`HTTP limits: ${describeHttpLimits(limits)}`);
}
