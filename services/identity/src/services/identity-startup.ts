import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { deploymentMode } from '@edoc/config';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { ServiceReadiness } from '@edoc/runtime';
import { SessionsRepository } from '../repositories/sessions.repository';
import { SignInFailuresRepository } from '../repositories/sign-in-failures.repository';
import { UnitsRepository } from '../repositories/units.repository';
import { UsersRepository } from '../repositories/users.repository';
import { SigningKeysService } from './signing-keys.service';

/**
 * Before the service says it is ready: the units of the directory are in the database and a key
 * can sign tokens. Then, hourly, ended sessions and old failure counts are dropped.
 */
@Injectable()
export class IdentityStartup implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('IdentityStartup');
  private housekeeping: NodeJS.Timeout | undefined;

  constructor(
    private readonly readiness: ServiceReadiness,
    private readonly db: Database,
    private readonly directory: Directory,
    private readonly units: UnitsRepository,
    private readonly keys: SigningKeysService,
    private readonly sessions: SessionsRepository,
    private readonly failures: SignInFailuresRepository,
    private readonly users: UsersRepository,
  ) {}

  onModuleInit(): void {
    this.readiness.prepareBeforeReady(async () => {
      if (deploymentMode() === 'production') await this.refuseDemoPasswords();
      await this.db.transaction((tx) => this.units.sync(tx, this.directory.list()));
      await this.keys.ensureCurrentKey();
      this.housekeeping = setInterval(() => void this.tidy(), 3600_000);
      this.housekeeping.unref();
    });
  }

  /** A published password opens the exchange to anyone who read the README: production does not start with one. */
  private async refuseDemoPasswords(): Promise<void> {
    const { usernames, total } = await this.users.withDemoPassword(this.db, 5);
    if (total === 0) return;
    throw new Error(
      `identity refuses to start in production mode (EDOC_MODE=production): ${total} user(s) still sign in with their demo password (${usernames.join(', ')}${total > usernames.length ? ', ...' : ''}): ` +
        'give them passwords of their own (`edoc users reset-password`) or disable them (`edoc users disable`); a production install is provisioned without --demo',
    );
  }

  onApplicationShutdown(): void {
    clearInterval(this.housekeeping);
  }

  private async tidy(): Promise<void> {
    try {
      await this.sessions.purgeEnded(this.db);
      await this.failures.purgeStale(this.db);
    } catch (error) {
      this.logger.warn(`housekeeping failed: ${(error as Error).message}`);
    }
  }
}
