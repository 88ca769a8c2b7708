import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/** Where the identity service publishes its public keys. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** EDOC_IDENTITY_URL, the identity service as the other services reach it (default http://127.0.0.1:3005). */
export function identityUrl(env: Record<string, string | undefined> = process.env): string {
  const configured = env.EDOC_IDENTITY_URL;
  return (configured === undefined || configured === '' ? 'http://127.0.0.1:3005' : configured).replace(/\/+$/, '');
}

/**
 * The identity service's key set, fetched when first needed and kept 10 minutes. A token signed by
 * a key not in the copy makes it fetch again, at most once a second: a key added by a rotation is
 * known to every service at its first token, and a flood of made-up key ids costs one fetch a second.
 */
export function remoteVerificationKeys(baseUrl: string = identityUrl()): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(`${baseUrl}${JWKS_PATH}`), { cooldownDuration: 1000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5000 });
}
