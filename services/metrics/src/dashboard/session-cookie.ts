/** The cookie that carries an administrator's token for the dashboard's own requests. */
export const SESSION_COOKIE = 'edoc_dashboard';
/** Only the dashboard's paths receive it: the JSON API elsewhere keeps to bearer headers. */
export const SESSION_PATH = '/dashboard';
/** Where the page reads its figures; the only routes on which the cookie stands in for a bearer header. */
export const DASHBOARD_API_PREFIX = '/dashboard/api/';

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/**
 * HttpOnly (page scripts never see the token), SameSite=Strict (no other site can make the browser
 * send it, which is what keeps cross-site requests out), limited to /dashboard, expiring with the
 * token, and Secure when the page was served over HTTPS.
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=${SESSION_PATH}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/** Seconds until the token's `exp`, read after the token was verified (so the claim is trusted). */
export function secondsUntilExpiry(token: string, now: Date = new Date()): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp - now.getTime() / 1000 : 0;
  } catch {
    return 0;
  }
}

/** A token has the shape of a JWT: three base64url parts. Anything else never reaches a header. */
export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);
}
