import { Controller, Get, Header, Post } from '@nestjs/common';
import { CurrentPrincipal, JWKS_PATH, type Principal, Public, Roles } from '@edoc/identity';
import { SigningKeysService } from '../services/signing-keys.service';

/** The public keys every service checks access tokens with, and their rotation. */
@Controller()
export class KeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Public()
  @Get(JWKS_PATH.slice(1))
  @Header('Cache-Control', 'public, max-age=60')
  jwks() {
    return this.keys.jwks();
  }

  /** A new key signs from now on; the previous one stays published until its tokens have expired. */
  @Roles('admin')
  @Post('keys/rotate')
  rotate(@CurrentPrincipal() principal: Principal) {
    return this.keys.rotate(principal.username);
  }
}
