import { oidcFailureOf } from '../src/domain/oidc-failure';

/** An error as openid-client throws it: a ClientError whose cause is oauth4webapi's, whose cause names the claim. */
function clientError(code: string, claim?: string): Error {
  const inner = Object.assign(new Error('unexpected JWT claim value'), { name: 'OperationProcessingError', code, cause: claim === undefined ? undefined : { claim } });
  return Object.assign(new Error('unexpected JWT claim value encountered', { cause: inner }), { name: 'ClientError', code });
}

describe('why a sign-in through the OpenID provider failed', () => {
  it('names a token issued for another application', () => {
    expect(oidcFailureOf(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'aud'))).toMatchObject({ reason: 'oidc_wrong_audience', status: 401, message: expect.stringMatching(/issued for another application/) });
  });

  it('names an expired token, and hints at clocks', () => {
    expect(oidcFailureOf(clientError('OAUTH_JWT_TIMESTAMP_CHECK_FAILED', 'exp'))).toMatchObject({ reason: 'oidc_expired', status: 401, message: expect.stringMatching(/expired.*clocks/) });
  });

  it('names an answer that belongs to another sign-in', () => {
    expect(oidcFailureOf(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'nonce'))).toMatchObject({ reason: 'oidc_invalid_answer', message: expect.stringMatching(/does not belong to this sign-in \(claim "nonce"\)/) });
  });

  it('passes on what the provider said when it refused', () => {
    const refused = Object.assign(new Error('authorization response from the server is an error'), { name: 'AuthorizationResponseError', error: 'access_denied', error_description: 'the user cancelled' });
    expect(oidcFailureOf(refused)).toMatchObject({ reason: 'oidc_provider_refused', status: 401, message: expect.stringMatching(/access_denied: the user cancelled/) });
  });

  it('tells an unreachable provider (503) from a bad answer (401)', () => {
    const down = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    expect(oidcFailureOf(down)).toMatchObject({ reason: 'oidc_provider_unreachable', status: 503 });
    expect(oidcFailureOf(new Error('something else'))).toMatchObject({ reason: 'oidc_invalid_answer', status: 401, message: expect.stringMatching(/something else/) });
  });
});
