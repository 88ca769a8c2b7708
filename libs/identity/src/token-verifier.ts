import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import { InvalidTokenError, TokenError, TokenExpiredError } from './errors';
import { assertEd25519 } from './key-checks';
import type { Principal, Role } from './principal';
import { principalProblems } from './principal-checks';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims';

/** Allowed clock difference between the issuing and the verifying machine. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** Checks bearer tokens with the public key; every service holds one. Throws TokenError subclasses only. */
export class TokenVerifier {
  private readonly publicKey: KeyObject;

  constructor(
    publicKey: KeyObject,
    private readonly now: () => Date = () => new Date(),
  ) {
    // A private key is accepted for convenience in single-process setups; only its public half is kept.
    this.publicKey = publicKey?.type === 'private' ? createPublicKey(publicKey) : publicKey;
    assertEd25519(this.publicKey, 'public', 'TokenVerifier');
  }

  async verify(token: string): Promise<Principal> {
    if (typeof token !== 'string' || token.trim() === '') throw new InvalidTokenError('missing', 'no token given');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: this.now(),
      }));
    } catch (error) {
      throw translateJoseError(error, token);
    }
    const principal = {
      userId: payload.sub,
      username: payload.preferred_username,
      displayName: payload.name,
      orgCode: payload.org,
      roles: payload.roles,
    };
    const problems = principalProblems(principal);
    if (problems.length > 0) throw new InvalidTokenError('invalid-claims', `token claims are invalid: ${problems.join('; ')}`);
    return { ...(principal as Principal), roles: [...(principal.roles as Role[])] };
  }
}

// jose's error classes are matched by their `code`, which also works across module realms.
function translateJoseError(error: unknown, token: string): TokenError {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new TokenExpiredError(expiryOf(token));
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new InvalidTokenError('bad-signature', 'token signature is not valid for this system');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new InvalidTokenError('bad-signature', `token is not signed with ${TOKEN_ALGORITHM}`);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: string }).claim;
      if (claim === 'nbf' || claim === 'iat') return new InvalidTokenError('not-yet-valid', `token is not valid yet (${detail})`);
      return new InvalidTokenError('invalid-claims', `token claim "${claim ?? '?'}" is invalid: ${detail}`);
    }
    default:
      return new InvalidTokenError('malformed', 'token is malformed: not a signed JWT');
  }
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
