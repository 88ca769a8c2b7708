import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DASHBOARD_API_PREFIX, looksLikeJwt, readCookie, SESSION_COOKIE } from './session-cookie';

/**
 * Lets the dashboard's own reads authenticate with the session cookie: on GET requests under
 * /dashboard/api/ without an Authorization header, the cookie's token becomes the bearer token, and
 * the usual guard then checks it and the admin role. Nothing else accepts the cookie.
 */
@Injectable()
export class DashboardCookieMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    const path = request.originalUrl.split('?')[0];
    if ((request.method === 'GET' || request.method === 'HEAD') && path.startsWith(DASHBOARD_API_PREFIX) && request.headers.authorization === undefined) {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (token !== undefined && looksLikeJwt(token)) request.headers.authorization = `Bearer ${token}`;
    }
    next();
  }
}
