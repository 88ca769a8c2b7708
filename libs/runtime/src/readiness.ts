import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EdocConfig, redactUrl } from '@edoc/config';
import { Database, runMigrations, waitForDatabase } from '@edoc/db';
import { AmqpConnection, Inbox, messagingMigrationsDir, OutboxRelay } from '@edoc/messaging';
import { EDOC_CONFIG, SERVICE_OPTIONS, ServiceOptions } from './service-options';

type Phase = 'starting' | 'waiting-for-database' | 'migrating' | 'waiting-for-broker' | 'ready' | 'stopping' | 'failed';

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
  private started: Promise<void> | undefined;

  constructor(
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(EDOC_CONFIG) private readonly config: EdocConfig,
    private readonly db: Database,
    private readonly inbox: Inbox,
  ) {}

  private amqp: AmqpConnection | undefined;
  private housekeeping: NodeJS.Timeout | undefined;

  /** The broker connection, once made; it reconnects by itself after that. */
  broker(): AmqpConnection {
    if (this.amqp === undefined) throw new Error(`${this.options.name} is not connected to the broker yet`);
    return this.amqp;
  }

  brokerConnected(): boolean {
    return this.amqp?.isConnected() ?? false;
  }

  /** Starts the background work once; later calls return the same promise. */
  start(): Promise<void> {
    this.started ??= this.run();
    return this.started;
  }

  describe(): { phase: Phase; ready: boolean; detail: string } {
    return { phase: this.phase, ready: this.isReady(), detail: this.failure };
  }

  isReady(): boolean {
    return this.phase === 'ready' && this.brokerConnected();
  }

  private async run(): Promise<void> {
    try {
      this.phase = 'waiting-for-database';
      await waitForDatabase(this.config.databaseUrl, {
        timeoutMs: Number.POSITIVE_INFINITY,
        onRetry: ({ attempt, error }) => this.logger.warn(`database ${redactUrl(this.config.databaseUrl)} not reachable (attempt ${attempt}): ${error.message}`),
      });
      this.phase = 'migrating';
      const applied = await runMigrations(this.db, { schema: this.options.name, directories: [messagingMigrationsDir, this.options.migrationsDir] });
      if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
      this.phase = 'waiting-for-broker';
      this.amqp = await this.connectBroker();
      await this.options.onReady?.(this.config);
      this.relay = new OutboxRelay({ db: this.db, schema: this.options.name, connection: this.amqp });
      this.relay.start();
      this.startHousekeeping(this.relay);
      this.phase = 'ready';
      this.logger.log(`${this.options.name} is ready`);
    } catch (error) {
      this.phase = 'failed';
      this.failure = (error as Error).message;
      this.logger.error(`${this.options.name} failed to start: ${this.failure}`);
      throw error;
    }
  }

  /**
   * Sent outbox rows are kept a week (for inquiries), inbox ids a month: far longer than any
   * redelivery can come late, so dropping them never lets a duplicate through.
   */
  private startHousekeeping(relay: OutboxRelay): void {
    const day = 24 * 3600_000;
    this.housekeeping = setInterval(() => {
      void Promise.all([relay.purgeSent(7 * day), this.inbox.purgeOlderThan(this.db, 30 * day)]).catch((error: Error) => this.logger.warn(`housekeeping failed: ${error.message}`));
    }, 3600_000);
    this.housekeeping.unref();
  }

  /** Retries with a growing pause (1 s to 30 s) until the broker answers: it may start after us. */
  private async connectBroker(): Promise<AmqpConnection> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await AmqpConnection.connect(this.config.amqpUrl, { name: `edoc-${this.options.name}`, timeoutMs: 10_000 });
      } catch (error) {
        const pause = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5));
        this.logger.warn(`${(error as Error).message} (attempt ${attempt}); retrying in ${pause / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.phase = 'stopping';
    clearInterval(this.housekeeping);
    await this.relay?.stop();
    await this.amqp?.close();
  }
}
