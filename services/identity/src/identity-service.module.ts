import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { RuntimeModule } from '@edoc/runtime';
import { IDENTITY_SETTINGS, loadIdentitySettings } from './config/identity-settings';
import { loadOidcSettings } from './config/oidc-settings';
import { AuthController } from './controllers/auth.controller';
import { KeysController } from './controllers/keys.controller';
import { UsersController } from './controllers/users.controller';
import { LoginPageController } from './login-page/login-page.controller';
import { OidcLoginController } from './login-page/oidc-login.controller';
import { ExternalIdentitiesRepository } from './repositories/external-identities.repository';
import { OidcLoginsRepository } from './repositories/oidc-logins.repository';
import { SessionsRepository } from './repositories/sessions.repository';
import { SignInFailuresRepository } from './repositories/sign-in-failures.repository';
import { SigningKeysRepository } from './repositories/signing-keys.repository';
import { UnitsRepository } from './repositories/units.repository';
import { UsersRepository } from './repositories/users.repository';
import { IdentityStartup } from './services/identity-startup';
import { OIDC_SETTINGS, OidcProviderClient } from './services/oidc-provider-client';
import { OidcSignInService } from './services/oidc-sign-in.service';
import { PasswordHasher } from './services/password-hasher';
import { SessionService } from './services/session.service';
import { SignInService } from './services/sign-in.service';
import { SigningKeysService } from './services/signing-keys.service';
import { UserAdminService } from './services/user-admin.service';
import { UserEvents } from './services/user-events';

@Module({
  imports: [
    RuntimeModule.forService({
      name: 'identity',
      defaultPort: 3005,
      migrationsDir: join(__dirname, '..', 'migrations'),
      openApi: {
        title: 'edoc identity',
        description:
          'Users, units and roles; sign-in with a password, sessions with short access tokens and rotating refresh tokens, sign-out that every service honours at once; ' +
          'the public keys (JWKS) every service checks tokens with. Browsers sign in at /login, or through the district’s OpenID provider at /login/oidc when EDOC_OIDC_ISSUER is set.',
      },
    }),
  ],
  controllers: [AuthController, UsersController, KeysController, LoginPageController, OidcLoginController],
  providers: [
    { provide: IDENTITY_SETTINGS, useFactory: () => loadIdentitySettings() },
    { provide: OIDC_SETTINGS, useFactory: () => loadOidcSettings() ?? null },
    OidcLoginsRepository,
    ExternalIdentitiesRepository,
    OidcProviderClient,
    OidcSignInService,
    UsersRepository,
    SessionsRepository,
    SignInFailuresRepository,
    SigningKeysRepository,
    UnitsRepository,
    PasswordHasher,
    SigningKeysService,
    SessionService,
    SignInService,
    UserEvents,
    UserAdminService,
    IdentityStartup,
  ],
})
export class IdentityServiceModule {}
