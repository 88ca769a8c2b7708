import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { InvalidTokenError, TokenError, TokenExpiredError, VerificationKeysUnavailableError } from './errors';
import { assertEd25519 } from './key-checks';
import type { Principal, Role } from './principal';
import { principalProblems } from './principal-checks';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims';

/** Allowed clock difference between the issuing and the verifying machine. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** What a valid access token says: who, in which session, since when. */
export interface VerifiedToken {
  principal: Principal & { sessionId: string };
  /** `iat`, in seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** The `cth` claim: SHA-256 of the browser session's CSRF token, when the token was made for a cookie. */
  csrfHash?: string;
}

/** One public key, or a key set that picks the key by the token's `kid` (the identity service's JWKS). */
export type VerificationKeys = KeyObject | JWTVerifyGetKey;

export interface VerifyOptions {
  /** For a sign-out with a stale cookie: the signature must be ours, the token may have expired. */
  allowExpired?: boolean;
}

/** Checks access tokens; every service holds one. Throws TokenError subclasses, or VerificationKeysUnavailableError. */
export class TokenVerifier {
  private readonly keys: KeyObject | JWTVerifyGetKey;

  constructor(
    keys: VerificationKeys,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (typeof keys === 'function') {
      this.keys = keys;
    } else {
      // A private key is accepted for convenience in single-process setups; only its public half is kept.
      this.keys = keys?.type === 'private' ? createPublicKey(keys) : keys;
      assertEd25519(this.keys, 'public', 'TokenVerifier');
    }
  }

  async verify(token: string, options: VerifyOptions = {}): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.trim() === '') throw new InvalidTokenError('missing', 'no token given');
    let payload: JWTPayload;
    try {
      const verifyOptions = {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat', 'sid'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: options.allowExpired === true ? new Date(0) : this.now(),
      };
      ({ payload } = typeof this.keys === 'function' ? await jwtVerify(token, this.keys, verifyOptions) : await jwtVerify(token, this.keys, verifyOptions));
    } catch (error) {
      throw translateJoseError(error, token);
    }
    const principal = {
      userId: payload.sub,
      username: payload.preferred_username,
      displayName: payload.name,
      orgCode: payload.org,
      roles: payload.roles,
      sessionId: payload.sid,
    };
    const problems = principalProblems(principal);
    if (typeof payload.sid !== 'string' || payload.sid === '') problems.push('session id is missing');
    if (problems.length > 0) throw new InvalidTokenError('invalid-claims', `token claims are invalid: ${problems.join('; ')}`);
    return {
      principal: { ...(principal as Principal & { sessionId: string }), roles: [...(principal.roles as Role[])] },
      issuedAt: payload.iat as number,
      expiresAt: payload.exp as number,
      ...(typeof payload.cth === 'string' ? { csrfHash: payload.cth } : {}),
    };
  }
}

// jose's error classes are matched by their `code`, which also works across module realms.
function translateJoseError(error: unknown, token: string): TokenError | VerificationKeysUnavailableError {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new TokenExpiredError(expiryOf(token));
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new InvalidTokenError('bad-signature', 'token signature is not valid for this system');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new InvalidTokenError('bad-signature', 'token is signed with a key this system does not publish');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new InvalidTokenError('bad-signature', `token is not signed with ${TOKEN_ALGORITHM}`);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: string }).claim;
      if (claim === 'nbf' || claim === 'iat') return new InvalidTokenError('not-yet-valid', `token is not valid yet (${detail})`);
      return new InvalidTokenError('invalid-claims', `token claim "${claim ?? '?'}" is invalid: ${detail}`);
    }
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC':
      return new VerificationKeysUnavailableError(`the keys that check tokens cannot be had: ${detail}`);
    default:
      // A failed fetch of the key set (ECONNREFUSED, ENOTFOUND...) is no jose error at all.
      if (typeof code === 'string' && !code.startsWith('ERR_J')) return new VerificationKeysUnavailableError(`the keys that check tokens cannot be had: ${describe(error)}`);
      return new InvalidTokenError('malformed', 'token is malformed: not a signed JWT');
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { message?: string } })?.cause?.message;
  return `${error instanceof Error ? error.message : String(error)}${cause === undefined ? '' : ` (${cause})`}`;
}

function expiryOf(token: string): Date {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp === 'number') return new Date(payload.exp * 1000);
  } catch {
    // fall through: the signature was valid, so this cannot really happen
  }
  return new Date(0);
}
