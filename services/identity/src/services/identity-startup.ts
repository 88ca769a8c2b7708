import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { ServiceReadiness } from '@edoc/runtime';
import { SessionsRepository } from '../repositories/sessions.repository';
import { SignInFailuresRepository } from '../repositories/sign-in-failures.repository';
import { UnitsRepository } from '../repositories/units.repository';
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
  ) {}

  onModuleInit(): void {
    this.readiness.prepareBeforeReady(async () => {
      await this.db.transaction((tx) => this.units.sync(tx, this.directory.list()));
      await this.keys.ensureCurrentKey();
      this.housekeeping = setInterval(() => void this.tidy(), 3600_000);
      this.housekeeping.unref();
    });
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
