import type { NextFunction, Request, Response } from 'express';
import { DashboardCookieMiddleware } from '../src/dashboard/dashboard-cookie.middleware';
import { escapeHtml } from '../src/dashboard/html';
import { clearedSessionCookie, readCookie, secondsUntilExpiry, sessionCookie } from '../src/dashboard/session-cookie';

const JWT = `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp: 1_900_000_000 })).toString('base64url')}.c2lnbmF0dXJl`;

function request(method: string, url: string, headers: Record<string, string>): Request {
  return { method, originalUrl: url, headers: { ...headers } } as unknown as Request;
}

function through(req: Request): Request {
  const next: NextFunction = jest.fn();
  new DashboardCookieMiddleware().use(req, {} as Response, next);
  expect(next).toHaveBeenCalledTimes(1);
  return req;
}

describe('the dashboard session cookie', () => {
  it('is HttpOnly, SameSite=Strict, limited to /dashboard and expires with the token', () => {
    expect(sessionCookie(JWT, 3600.7, false)).toBe(`edoc_dashboard=${JWT}; Path=/dashboard; Max-Age=3600; HttpOnly; SameSite=Strict`);
    expect(sessionCookie(JWT, 10, true)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toBe('edoc_dashboard=; Path=/dashboard; Max-Age=0; HttpOnly; SameSite=Strict');
    expect(secondsUntilExpiry(JWT, new Date(1_899_999_000_000))).toBe(1000);
    expect(secondsUntilExpiry('not-a-jwt')).toBe(0);
  });

  it('reads one cookie among several', () => {
    expect(readCookie(`a=1; edoc_dashboard=${JWT}; b=2`, 'edoc_dashboard')).toBe(JWT);
    expect(readCookie('a=1', 'edoc_dashboard')).toBeUndefined();
    expect(readCookie(undefined, 'edoc_dashboard')).toBeUndefined();
  });

  it('stands in for the bearer header only on GET requests of the dashboard API', () => {
    const cookie = `edoc_dashboard=${JWT}`;
    expect(through(request('GET', '/dashboard/api/coverage?from=2026-01-01', { cookie })).headers.authorization).toBe(`Bearer ${JWT}`);
    expect(through(request('GET', '/coverage', { cookie })).headers.authorization).toBeUndefined();
    expect(through(request('PUT', '/dashboard/api/coverage', { cookie })).headers.authorization).toBeUndefined();
    expect(through(request('GET', '/dashboard/api/coverage', { cookie, authorization: 'Bearer other' })).headers.authorization).toBe('Bearer other');
    expect(through(request('GET', '/dashboard/api/coverage', { cookie: 'edoc_dashboard=x\r\nEvil: 1' })).headers.authorization).toBeUndefined();
  });

  it('escapes what it writes into a page', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });
});
