/** Why a sign-in through the identity provider ended without a session, for the user and the audit trail. */
export interface OidcFailure {
  /** signInFailed's reason: oidc_<what>. */
  reason: string;
  message: string;
  /** 401: the answer proves nothing; 403: it proves who, and edoc refuses them; 503: the provider is unreachable. */
  status: 401 | 403 | 503;
}

const AGAIN = 'no edoc session was started; sign in again';

/**
 * What went wrong, read from an error of openid-client (or oauth4webapi under it). Errors carry a
 * code and, for a claim check, the claim in a cause further down: the chain is walked.
 */
export function oidcFailureOf(error: unknown): OidcFailure {
  const chain = causes(error);
  const claim = chain.map((e) => (e as { claim?: unknown }).claim).find((c) => typeof c === 'string');
  const codes = chain.map((e) => (e as { code?: unknown }).code).filter((c): c is string => typeof c === 'string');
  const providerError = chain.map((e) => (e as { error?: unknown }).error).find((c) => typeof c === 'string');
  if (providerError !== undefined && chain.some((e) => (e as Error).name === 'AuthorizationResponseError')) {
    const description = chain.map((e) => (e as { error_description?: unknown }).error_description).find((c) => typeof c === 'string');
    return { reason: 'oidc_provider_refused', status: 401, message: `the identity provider did not sign you in (${providerError}${description === undefined ? '' : `: ${description}`}); ${AGAIN}` };
  }
  if (claim === 'aud' || claim === 'azp') {
    return { reason: 'oidc_wrong_audience', status: 401, message: `the identity provider's answer (id_token) was issued for another application, not for edoc (claim "${claim}"); ${AGAIN}` };
  }
  if (claim === 'exp' || claim === 'iat' || claim === 'nbf') {
    return {
      reason: 'oidc_expired',
      status: 401,
      message: `the identity provider's answer (id_token) is expired or not yet valid (claim "${claim}"); ${AGAIN}. If it happens every time, the clocks of the provider and of edoc disagree`,
    };
  }
  if (claim === 'nonce' || claim === 'iss') {
    return { reason: 'oidc_invalid_answer', status: 401, message: `the identity provider's answer does not belong to this sign-in (claim "${claim}"); ${AGAIN}` };
  }
  if (chain.some((e) => e instanceof TypeError && /fetch failed/.test((e as Error).message)) || codes.some((c) => /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|UND_ERR)/.test(c)) || chain.some((e) => (e as Error).name === 'TimeoutError')) {
    return { reason: 'oidc_provider_unreachable', status: 503, message: 'the identity provider cannot be reached just now; try again in a moment, or sign in with your edoc password if you have one' };
  }
  const first = chain[0] as Error | undefined;
  return { reason: 'oidc_invalid_answer', status: 401, message: `the identity provider's answer could not be verified (${first?.message ?? String(error)}); ${AGAIN}` };
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 8) {
    chain.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return chain;
}
