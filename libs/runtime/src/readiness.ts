import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EdocConfig, redactUrl } from '@edoc/config';
import { Database, runMigrations, waitForDatabase } from '@edoc/db';
import { AmqpConnection, backoffDelayMs, Inbox, isOutage, messagingMigrationsDir, Outbox, OutboxRelay } from '@edoc/messaging';
import { ownBrokerUrl } from './broker-credentials';
import { RevocationStore, runtimeMigrationsDir } from './revocations';
import { EDOC_CONFIG, SERVICE_OPTIONS, ServiceOptions } from './service-options';

type Phase = 'starting' | 'waiting-for-database' | 'migrating' | 'waiting-for-broker' | 'preparing' | 'ready' | 'stopping' | 'failed';

/**
 * Brings a service up in the background so that its HTTP server (and health probes) answer
 * while PostgreSQL or RabbitMQ are still down: it retries with backoff and only reports
 * ready once the schema is migrated and the broker connected.
 */
@Injectable()
export class ServiceReadiness implements OnApplicationShutdown {
  private readonly logger = new Logger('Readiness');
  private phase: Phase = 'starting';
  private failure = '';
  private relay: OutboxRelay | undefined;
  private started: Promise<boolean> | undefined;

  constructor(
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(EDOC_CONFIG) private readonly config: EdocConfig,
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly outbox: Outbox,
    private readonly revocations: RevocationStore,
  ) {}

  private amqp: AmqpConnection | undefined;
  private readonly preparations: (() => Promise<void>)[] = [];
  private housekeeping: NodeJS.Timeout | undefined;
  private stopping = false;
  private wakeOnStop: (() => void) | undefined;

  /** The broker connection, once made; it reconnects by itself after that. */
  broker(): AmqpConnection {
    if (this.amqp === undefined) throw new Error(`${this.options.name} is not connected to the broker yet`);
    return this.amqp;
  }

  brokerConnected(): boolean {
    return this.amqp?.isConnected() ?? false;
  }

  /**
   * Work a service must finish before it reports ready, once its schema is migrated and the broker
   * connected (e.g. the identity service's first signing key). Register it in onModuleInit.
   */
  prepareBeforeReady(work: () => Promise<void>): void {
    this.preparations.push(work);
  }

  /** Starts the background work once; later calls return the same promise. False when told to stop before it was ready. */
  start(): Promise<boolean> {
    this.started ??= this.run();
    return this.started;
  }

  describe(): { phase: Phase; ready: boolean; detail: string } {
    return { phase: this.phase, ready: this.isReady(), detail: this.failure };
  }

  isReady(): boolean {
    return this.phase === 'ready' && this.brokerConnected();
  }

  private async run(): Promise<boolean> {
    try {
      await this.untilMigrated();
      this.phase = 'waiting-for-broker';
      this.amqp = await this.connectBroker();
      await this.options.onReady?.(this.config);
      await this.prepare();
      this.relay = new OutboxRelay({ db: this.db, schema: this.options.name, connection: this.amqp, outbox: this.outbox });
      this.relay.start();
      this.startHousekeeping(this.relay);
      this.phase = 'ready';
      this.logger.log(`${this.options.name} is ready`);
      return true;
    } catch (error) {
      if (this.stopping) {
        this.logger.log(`${this.options.name} stopped before it was ready`);
        return false;
      }
      this.phase = 'failed';
      this.failure = (error as Error).message;
      this.logger.error(`${this.options.name} failed to start: ${this.failure}`);
      throw error;
    }
  }

  /**
   * Waits for the database and migrates the schema. PostgreSQL may go away between the two (a
   * restart that began just after it answered): that is waited out as well, never a failed start.
   */
  private async untilMigrated(): Promise<void> {
    await this.despiteOutages('migrating', async () => {
      await this.untilDatabaseAnswers();
      this.phase = 'migrating';
      const applied = await runMigrations(this.db, { schema: this.options.name, directories: [messagingMigrationsDir, runtimeMigrationsDir, this.options.migrationsDir] });
      if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    });
  }

  /**
   * The preparations write to the database too: a restart of PostgreSQL while they run is waited
   * out as the migration's is. A preparation is then run again from its start, so each must be
   * repeatable (identity's are: the units' sync and the first signing key check before they write).
   */
  private async prepare(): Promise<void> {
    for (const work of this.preparations) {
      await this.despiteOutages('preparing', async () => {
        await this.untilDatabaseAnswers();
        this.phase = 'preparing';
        await work();
      });
    }
  }

  private async untilDatabaseAnswers(): Promise<void> {
    this.phase = 'waiting-for-database';
    await waitForDatabase(this.config.databaseUrl, {
      timeoutMs: Number.POSITIVE_INFINITY,
      onRetry: ({ attempt, error }) => this.logger.warn(`database ${redactUrl(this.config.databaseUrl)} not reachable (attempt ${attempt}): ${error.message}`),
    });
  }

  /** Runs `work` until it ends without an outage of the database, with a growing pause (1 s to 30 s) between tries. */
  private async despiteOutages(doing: string, work: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return;
      } catch (error) {
        if (!isOutage(error)) throw error;
        const pause = backoffDelayMs(attempt, 1000, 30_000);
        this.logger.warn(`the database went away while ${doing} (${(error as Error).message}); trying again in ${pause / 1000} s`);
        await this.pauseWhileStarting(pause);
      }
    }
  }

  /**
   * Sent outbox rows are kept a week (for inquiries), inbox ids a month: far longer than any
   * redelivery can come late, so dropping them never lets a duplicate through. Revocations go once
   * every token they concerned has expired.
   */
  private startHousekeeping(relay: OutboxRelay): void {
    const day = 24 * 3600_000;
    this.housekeeping = setInterval(() => {
      void Promise.all([relay.purgeSent(7 * day), this.inbox.purgeOlderThan(this.db, 30 * day), this.revocations.purgeForgotten()]).catch((error: Error) => this.logger.warn(`housekeeping failed: ${error.message}`));
    }, 3600_000);
    this.housekeeping.unref();
  }

  /**
   * Connects as the service's own broker user. Retries with a growing pause (1 s to 30 s) until the
   * broker answers and takes the credentials: it may start after us, and provisioning too.
   */
  private async connectBroker(): Promise<AmqpConnection> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await AmqpConnection.connect(ownBrokerUrl(this.config, this.options.name), { name: `edoc-${this.options.name}`, timeoutMs: 10_000 });
      } catch (error) {
        const pause = backoffDelayMs(attempt, 1000, 30_000);
        this.logger.warn(`${(error as Error).message} (attempt ${attempt}); retrying in ${pause / 1000} s`);
        await this.pauseWhileStarting(pause);
      }
    }
  }

  /** A pause between attempts to start, cut short (with an error) when the service is told to stop. */
  private async pauseWhileStarting(ms: number): Promise<void> {
    if (this.stopping) throw new Error(`${this.options.name} stopped while starting`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeOnStop = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (this.stopping) throw new Error(`${this.options.name} stopped while starting`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeOnStop?.();
    this.phase = 'stopping';
    clearInterval(this.housekeeping);
    await this.relay?.stop();
    await this.amqp?.close();
  }
}
