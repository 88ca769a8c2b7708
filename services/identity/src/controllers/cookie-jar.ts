import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { ACCESS_COOKIE, CSRF_COOKIE, readCookie, REFRESH_COOKIE, REFRESH_COOKIE_PATH, serializeCookie } from '@edoc/identity';
import type { IdentitySettings } from '../config/identity-settings';
import type { SessionTokens } from '../services/session.service';

/** Sets (or clears) the cookies of a browser session on a response. */
export function setSessionCookies(response: Response, tokens: SessionTokens, settings: IdentitySettings): void {
  const now = Date.now();
  const common = { secure: settings.cookieSecure, ...(settings.cookieDomain === undefined ? {} : { domain: settings.cookieDomain }) };
  const cookies = [
    serializeCookie(ACCESS_COOKIE, tokens.accessToken, { ...common, path: '/', httpOnly: true, maxAgeSeconds: (tokens.accessExpiresAt.getTime() - now) / 1000 }),
    serializeCookie(REFRESH_COOKIE, tokens.refreshToken, { ...common, path: REFRESH_COOKIE_PATH, httpOnly: true, maxAgeSeconds: (tokens.refreshExpiresAt.getTime() - now) / 1000 }),
  ];
  // Readable by the pages, which echo it in X-CSRF-Token; it lives as long as the session.
  if (tokens.csrfToken !== undefined) cookies.push(serializeCookie(CSRF_COOKIE, tokens.csrfToken, { ...common, path: '/', httpOnly: false, maxAgeSeconds: (tokens.refreshExpiresAt.getTime() - now) / 1000 }));
  response.append('Set-Cookie', cookies);
}

export function clearSessionCookies(response: Response, settings: IdentitySettings): void {
  const common = { secure: settings.cookieSecure, maxAgeSeconds: 0, ...(settings.cookieDomain === undefined ? {} : { domain: settings.cookieDomain }) };
  response.append('Set-Cookie', [
    serializeCookie(ACCESS_COOKIE, '', { ...common, path: '/', httpOnly: true }),
    serializeCookie(REFRESH_COOKIE, '', { ...common, path: REFRESH_COOKIE_PATH, httpOnly: true }),
    serializeCookie(CSRF_COOKIE, '', { ...common, path: '/', httpOnly: false }),
  ]);
}

/** A CSRF cookie for a sign-in form (before any session), so the form can prove it came from our page. */
export function setFormCsrfCookie(response: Response, token: string, settings: IdentitySettings): void {
  response.append('Set-Cookie', serializeCookie(CSRF_COOKIE, token, { secure: settings.cookieSecure, path: '/', httpOnly: false, maxAgeSeconds: 3600, ...(settings.cookieDomain === undefined ? {} : { domain: settings.cookieDomain }) }));
}

/** The CSRF token a sign-in form carries: the browser's, or a new one set now. */
export function formCsrf(request: Request, response: Response, settings: IdentitySettings): string {
  const existing = readCookie(request.headers.cookie, CSRF_COOKIE);
  if (existing !== undefined) return existing;
  const token = randomBytes(24).toString('base64url');
  setFormCsrfCookie(response, token, settings);
  return token;
}

/** The state of a sign-in away at the identity provider; it must come back with the provider's redirect, hence Lax. */
export const OIDC_STATE_COOKIE = 'edoc_oidc_state';
const OIDC_STATE_PATH = '/login/oidc';

export function setOidcStateCookie(response: Response, state: string, maxAgeSeconds: number, settings: IdentitySettings): void {
  response.append('Set-Cookie', serializeCookie(OIDC_STATE_COOKIE, state, { secure: settings.cookieSecure, path: OIDC_STATE_PATH, httpOnly: true, sameSite: 'Lax', maxAgeSeconds }));
}

export function clearOidcStateCookie(response: Response, settings: IdentitySettings): void {
  response.append('Set-Cookie', serializeCookie(OIDC_STATE_COOKIE, '', { secure: settings.cookieSecure, path: OIDC_STATE_PATH, httpOnly: true, sameSite: 'Lax', maxAgeSeconds: 0 }));
}
