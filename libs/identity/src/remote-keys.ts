import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { identityUrl } from '@edoc/identity-client';

/** Where the identity service publishes its public keys. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** jose fetches the key set again for an unknown key id at most this often. */
const COOLDOWN_MS = 1000;

/**
 * The identity service's key set, fetched when first needed and kept 10 minutes. A token signed by
 * a key not in the copy makes it fetch again, at most once a second: a key added by a rotation is
 * known to every service at its first token, and a flood of made-up key ids costs a fetch or two a second.
 */
export function remoteVerificationKeys(baseUrl: string = identityUrl()): JWTVerifyGetKey {
  const set = createRemoteJWKSet(new URL(`${baseUrl}${JWKS_PATH}`), { cooldownDuration: COOLDOWN_MS, cacheMaxAge: 10 * 60_000, timeoutDuration: 5000 });
  let refetch: Promise<void> | undefined;
  return async (header, token) => {
    try {
      return await set(header, token);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
      // jose does not fetch within a second of its last fetch: a key that a rotation added just after
      // that fetch would be refused, and its token with it. Wait that second out and fetch once more
      // (one fetch for every request waiting), then decide.
      refetch ??= (async () => {
        while (set.coolingDown) await new Promise((resolve) => setTimeout(resolve, 50));
        await set.reload();
      })().finally(() => (refetch = undefined));
      await refetch;
      return set(header, token);
    }
  };
}
