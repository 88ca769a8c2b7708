import { Inject, Injectable } from '@nestjs/common';
import { TokenError } from '../errors';
import { REVOCATION_CHECK, type RevocationCheck } from '../revocation-check';
import { ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER, csrfProblem, readCookie } from '../session-cookies';
import { TokenVerifier, type VerifiedToken } from '../token-verifier';

export interface AuthenticatedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Who sent a request: the bearer token of the Authorization header, or else the browser session's
 * access cookie (then an unsafe method needs the CSRF header too); checked against the keys, then
 * against the revocations this service has recorded. Throws TokenError (401) when not authenticated.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly verifier: TokenVerifier,
    @Inject(REVOCATION_CHECK) private readonly revocations: RevocationCheck,
  ) {}

  async authenticate(request: AuthenticatedRequest): Promise<VerifiedToken> {
    const { token, fromCookie } = presentedToken(request);
    const verified = await this.verifier.verify(token);
    if (fromCookie) {
      const problem = csrfProblem(request.method, { cookie: readCookie(request.headers.cookie, CSRF_COOKIE), header: first(request.headers[CSRF_HEADER]), boundHash: verified.csrfHash });
      if (problem !== undefined) throw new TokenError('csrf', problem);
    }
    const { sessionId, userId } = verified.principal;
    if (await this.revocations.isRevoked({ sessionId, userId, issuedAt: verified.issuedAt })) {
      throw new TokenError('revoked', 'the session of this token has ended (signed out, or the user was changed): sign in again');
    }
    return verified;
  }
}

/**
 * The access token a request presents: its bearer token, or else the browser session's cookie.
 * Throws TokenError when there is none. A service that calls another for an authenticated user
 * passes this on as a bearer token (the CSRF check was its own to make).
 */
export function presentedToken(request: AuthenticatedRequest): { token: string; fromCookie: boolean } {
  const header = first(request.headers.authorization);
  const fromCookie = header === undefined || header.trim() === '' ? readCookie(request.headers.cookie, ACCESS_COOKIE) : undefined;
  return fromCookie !== undefined ? { token: fromCookie, fromCookie: true } : { token: bearerToken(header), fromCookie: false };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new TokenError('missing', 'missing bearer token: send "Authorization: Bearer <token>" (or sign in with a browser)');
  const match = BEARER.exec(header.trim());
  if (match === null) {
    const scheme = header.trim().split(/\s+/)[0];
    throw new TokenError('malformed', /^bearer$/i.test(scheme) ? 'the Authorization header holds no well-formed bearer token' : `the Authorization header must use the Bearer scheme, not "${scheme}"`);
  }
  return match[1];
}
