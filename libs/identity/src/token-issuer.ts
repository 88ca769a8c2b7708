import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { assertEd25519 } from './key-checks';
import { assertValidPrincipal } from './principal-checks';
import type { Principal } from './principal';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, type EdocTokenClaims } from './token-claims';

const MAX_TTL_SECONDS = 7 * 24 * 3600;

/** Mints bearer tokens (EdDSA JWTs). Only the intake service holds the private key. */
export class TokenIssuer {
  constructor(
    private readonly privateKey: KeyObject,
    private readonly now: () => Date = () => new Date(),
  ) {
    assertEd25519(privateKey, 'private', 'TokenIssuer');
  }

  async issue(principal: Principal, ttlSeconds: number): Promise<string> {
    assertValidPrincipal(principal);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new RangeError(`token lifetime must be a whole number of seconds between 1 and ${MAX_TTL_SECONDS}, got ${ttlSeconds}`);
    }
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const claims: EdocTokenClaims = {
      preferred_username: principal.username,
      name: principal.displayName,
      org: principal.orgCode,
      roles: [...principal.roles],
    };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT' })
      .setSubject(principal.userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}
