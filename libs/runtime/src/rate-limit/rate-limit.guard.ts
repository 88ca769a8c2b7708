import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import { PRINCIPAL_REQUEST_FIELD, type RequestWithPrincipal } from '@edoc/identity';

/**
 * @nestjs/throttler's guard, counting per authenticated user rather than per address (the clerks
 * of a unit share one office address; one user's script must not stop its colleagues) and per
 * address only where there is no user. A route-level guard: it runs after the global AuthGuard has
 * put the principal on the request. The count is per bucket, shared by every route of the bucket,
 * and per process (each instance of a service counts its own requests).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = (request as RequestWithPrincipal)[PRINCIPAL_REQUEST_FIELD];
    return principal !== undefined ? `user ${principal.userId}` : `address ${await super.getTracker(request)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, bucket: string): string {
    return `${bucket}|${tracker}`;
  }

  /** 429 with a plain Retry-After (the library's would be "Retry-After-<bucket>", which no client reads). */
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const http = context.switchToHttp();
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    const principal = http.getRequest<RequestWithPrincipal>()[PRINCIPAL_REQUEST_FIELD];
    const who = principal?.username ?? 'this address';
    throw new ThrottlerException(`too many requests: ${who} may make ${detail.limit} of this kind in ${detail.ttl / 1000} s; try again in ${retryAfter} s`);
  }
}
