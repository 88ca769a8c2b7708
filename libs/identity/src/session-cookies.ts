import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The cookies of a browser session. The access token travels to every edoc service of the site
 * (Path=/) but no script reads it (HttpOnly); the refresh token only to the identity service's
 * refresh route; the CSRF token is readable by the pages, which echo it in X-CSRF-Token.
 * All are SameSite=Strict and Secure.
 */
export const ACCESS_COOKIE = 'edoc_access';
export const REFRESH_COOKIE = 'edoc_refresh';
export const CSRF_COOKIE = 'edoc_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const REFRESH_COOKIE_PATH = '/auth/refresh';

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (text === undefined) return undefined;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  httpOnly: boolean;
  /** Default true. Browsers take Secure cookies from http://localhost and 127.0.0.1 too. */
  secure?: boolean;
  /** Shared by the services' host names in production (e.g. ".edoc.example.gov.vn"); host-only when unset. */
  domain?: string;
  /**
   * Strict unless said otherwise. Lax only for the state of a single sign-on, which must come back
   * with the provider's redirect (a navigation from another site, which Strict would strip).
   */
  sameSite?: 'Strict' | 'Lax';
}

/** A Set-Cookie value; SameSite=Strict by default, so no other site can make a browser send it. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!/^[A-Za-z0-9._~+/=-]*$/.test(value)) throw new TypeError(`cookie ${name}: its value may hold only token characters`);
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(options.domain === undefined || options.domain === '' ? [] : [`Domain=${options.domain}`]),
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(options.secure === false ? [] : ['Secure']),
    `SameSite=${options.sameSite ?? 'Strict'}`,
  ].join('; ');
}

/** SHA-256 of a CSRF token, base64url: what the session and the access token keep of it. */
export function csrfHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isUnsafeMethod(method: string): boolean {
  return UNSAFE_METHODS.has(method.toUpperCase());
}

/**
 * Double-submit check of a request authenticated by the access cookie: on an unsafe method the
 * X-CSRF-Token header must equal the CSRF cookie, and hash to the value the access token was
 * bound to (so a cookie planted by a neighbouring site is of no use). Returns why not, or undefined.
 */
export function csrfProblem(method: string, sent: { cookie?: string; header?: string; boundHash?: string }): string | undefined {
  if (!isUnsafeMethod(method)) return undefined;
  if (sent.header === undefined || sent.header === '') return `a ${method.toUpperCase()} signed in with the session cookie needs the X-CSRF-Token header (the value of the ${CSRF_COOKIE} cookie)`;
  if (sent.cookie === undefined || !sameText(sent.header, sent.cookie)) return `the X-CSRF-Token header does not match the ${CSRF_COOKIE} cookie`;
  if (sent.boundHash === undefined || !sameText(csrfHash(sent.header), sent.boundHash)) return 'the CSRF token does not belong to this session';
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
