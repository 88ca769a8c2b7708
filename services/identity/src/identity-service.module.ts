import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { RuntimeModule } from '@edoc/runtime';
import { IDENTITY_SETTINGS, loadIdentitySettings } from './config/identity-settings';
import { AuthController } from './controllers/auth.controller';
import { KeysController } from './controllers/keys.controller';
import { UsersController } from './controllers/users.controller';
import { LoginPageController } from './login-page/login-page.controller';
import { SessionsRepository } from './repositories/sessions.repository';
import { SignInFailuresRepository } from './repositories/sign-in-failures.repository';
import { SigningKeysRepository } from './repositories/signing-keys.repository';
import { UnitsRepository } from './repositories/units.repository';
import { UsersRepository } from './repositories/users.repository';
import { IdentityStartup } from './services/identity-startup';
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
          'the public keys (JWKS) every service checks tokens with. Browsers sign in at /login.',
      },
    }),
  ],
  controllers: [AuthController, UsersController, KeysController, LoginPageController],
  providers: [
    { provide: IDENTITY_SETTINGS, useFactory: () => loadIdentitySettings() },
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
