import type { KeyObject } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenVerifier } from '../token-verifier';
import { AuthGuard } from './auth.guard';

export interface IdentityModuleOptions {
  /** The Ed25519 public key that checks bearer tokens (see loadAuthPublicKey). */
  publicKey: KeyObject;
}

/** Import once in a service's root module: every HTTP route then requires a bearer token. */
@Module({})
export class IdentityModule {
  static forRoot(options: IdentityModuleOptions): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      providers: [{ provide: TokenVerifier, useValue: new TokenVerifier(options.publicKey) }, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [TokenVerifier],
    };
  }
}
