import { Inject, Injectable, Logger } from '@nestjs/common';
import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };
import { isLoopback, type OidcSettings } from '../config/oidc-settings';

export const OIDC_SETTINGS = Symbol('OIDC_SETTINGS');

export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The provider's verified word on who signed in. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  claims: Record<string, unknown>;
}

/**
 * The district's OpenID provider, through openid-client: discovery, the authorisation request
 * (code flow with PKCE, state and nonce) and the checked exchange of the code. openid-client is
 * an ES module that this CommonJS service loads when single sign-on is first used.
 */
@Injectable()
export class OidcProviderClient {
  private readonly logger = new Logger('SingleSignOn');
  private library: Promise<typeof OpenIdClient> | undefined;
  private configuration: Promise<OpenIdClient.Configuration> | undefined;

  constructor(@Inject(OIDC_SETTINGS) private readonly configured: OidcSettings | null) {}

  private get settings(): OidcSettings {
    if (this.configured === null) throw new Error('single sign-on is not set up (EDOC_OIDC_ISSUER)');
    return this.configured;
  }

  async newChecks(): Promise<AuthorizationChecks> {
    const client = await this.load();
    return { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
  }

  async authorizationUrl(checks: AuthorizationChecks): Promise<URL> {
    const client = await this.load();
    return client.buildAuthorizationUrl(await this.config(), {
      redirect_uri: this.settings.redirectUri.href,
      scope: this.settings.scopes,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Exchanges the code of the callback and verifies the id_token (signature, issuer, audience,
   * expiry, nonce). Claims the id_token leaves out (a provider that conforms to the code flow puts
   * profile claims in userinfo only) are read from userinfo, for the same subject.
   */
  async verify(callbackUrl: URL, checks: AuthorizationChecks): Promise<VerifiedIdentity> {
    const client = await this.load();
    const config = await this.config();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (idClaims === undefined) throw new Error('the provider answered without an id_token');
    const subject = idClaims.sub;
    let claims: Record<string, unknown> = { ...idClaims };
    if (config.serverMetadata().userinfo_endpoint !== undefined) {
      const userInfo = await client.fetchUserInfo(config, tokens.access_token, subject);
      claims = { ...userInfo, ...idClaims };
    }
    return { issuer: idClaims.iss, subject, claims };
  }

  private load(): Promise<typeof OpenIdClient> {
    this.library ??= import('openid-client');
    return this.library;
  }

  /** Discovery once; a failure is not kept, so the next sign-in tries the provider again. */
  private config(): Promise<OpenIdClient.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  private async discover(): Promise<OpenIdClient.Configuration> {
    const client = await this.load();
    const { issuer, clientId, clientSecret } = this.settings;
    const config = await client.discovery(issuer, clientId, { client_secret: clientSecret }, client.ClientSecretBasic(clientSecret), {
      // Settings allow plain http only for a provider on this machine (tests).
      ...(issuer.protocol === 'http:' && isLoopback(issuer.hostname) ? { execute: [client.allowInsecureRequests] } : {}),
      timeout: 10,
    });
    this.logger.log(`single sign-on through ${config.serverMetadata().issuer}`);
    return config;
  }
}
