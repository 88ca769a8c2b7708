import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenVerifier, type VerificationKeys } from '../token-verifier';
import { AuthGuard } from './auth.guard';
import { RequestAuthenticator } from './request-authenticator';

export interface IdentityModuleOptions {
  /** The keys that check access tokens: the identity service's JWKS (remoteVerificationKeys) or one public key. */
  keys: VerificationKeys;
}

/**
 * Import once in a service's root module: every HTTP route then requires an access token. The
 * revocation list (REVOCATION_CHECK) must be provided globally, by @edoc/runtime's RuntimeModule.
 */
@Module({})
export class IdentityModule {
  static forRoot(options: IdentityModuleOptions): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      providers: [{ provide: TokenVerifier, useValue: new TokenVerifier(options.keys) }, RequestAuthenticator, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [TokenVerifier, RequestAuthenticator],
    };
  }
}
