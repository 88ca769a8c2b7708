import type { Response } from 'express';
import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE, REFRESH_COOKIE_PATH, serializeCookie } from '@edoc/identity';
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
