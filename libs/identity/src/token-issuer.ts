import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { assertEd25519 } from './key-checks';
import { assertValidPrincipal } from './principal-checks';
import type { Principal } from './principal';
import { MAX_ACCESS_TOKEN_SECONDS, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, type EdocTokenClaims } from './token-claims';

/** A private key that signs access tokens, named by the `kid` verifiers look it up by in the JWKS. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface IssueOptions {
  sessionId: string;
  ttlSeconds: number;
  /** SHA-256 (base64url) of the CSRF token of a browser session. */
  csrfHash?: string;
}

/** Mints access tokens (EdDSA JWTs with `kid` and `sid`). Only the identity service holds the private keys. */
export class TokenIssuer {
  constructor(
    private readonly key: SigningKey,
    private readonly now: () => Date = () => new Date(),
  ) {
    assertEd25519(key?.privateKey, 'private', 'TokenIssuer');
    if (typeof key.kid !== 'string' || key.kid === '') throw new TypeError('TokenIssuer needs the key id (kid) of its key');
  }

  async issue(principal: Principal, options: IssueOptions): Promise<string> {
    assertValidPrincipal(principal);
    const { ttlSeconds, sessionId } = options;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_ACCESS_TOKEN_SECONDS) {
      throw new RangeError(`token lifetime must be a whole number of seconds between 1 and ${MAX_ACCESS_TOKEN_SECONDS}, got ${ttlSeconds}`);
    }
    if (typeof sessionId !== 'string' || sessionId === '') throw new TypeError('an access token needs the id of its session');
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const claims: EdocTokenClaims = {
      preferred_username: principal.username,
      name: principal.displayName,
      org: principal.orgCode,
      roles: [...principal.roles],
      sid: sessionId,
      ...(options.csrfHash === undefined ? {} : { cth: options.csrfHash }),
    };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT', kid: this.key.kid })
      .setSubject(principal.userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
  }
}
