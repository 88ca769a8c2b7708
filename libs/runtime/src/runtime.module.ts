import { DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { EdocConfig, loadConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { IdentityModule, identityUrl, remoteVerificationKeys, REVOCATION_CHECK } from '@edoc/identity';
import { Inbox, InboxTransactions, Outbox } from '@edoc/messaging';
import { createObjectStore } from '@edoc/storage';
import { HealthController } from './health.controller';
import { DeadLetterDesk } from './dead-letters/dead-letter-desk';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { PrometheusModule } from './prometheus';
import { ServiceReadiness } from './readiness';
import { ShutdownDeadline } from './shutdown-deadline';
import { GracefulStop } from './graceful-stop';
import { EventOutbox } from './events';
import { RefusalRecorder } from './refusal-recorder';
import { PrintableInputPipe } from './printable-input.pipe';
import { RateLimitModule } from './rate-limit';
import { RevocationsHandler, RevocationStore } from './revocations';
import { EDOC_CONFIG, OBJECT_STORE, SERVICE_OPTIONS, ServiceOptions } from './service-options';

/**
 * Everything a service shares with the others: configuration, the database of its own
 * schema, the broker connection, outbox and inbox, object storage, the directory,
 * authentication (tokens checked with the identity service's keys, revocations it announced
 * recorded in the service's own schema) and the health probes.
 */
@Module({})
export class RuntimeModule {
  static forService(options: ServiceOptions): DynamicModule {
    const config = loadConfig();
    return {
      module: RuntimeModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false }), IdentityModule.forRoot({ keys: remoteVerificationKeys(identityUrl()) }), PrometheusModule, RateLimitModule],
      controllers: [HealthController, RevocationsHandler, DeadLettersController],
      providers: [
        { provide: SERVICE_OPTIONS, useValue: options },
        { provide: EDOC_CONFIG, useValue: config },
        { provide: Database, useFactory: () => new Database({ url: config.databaseUrl, applicationName: `edoc-${options.name}` }) },
        { provide: Outbox, useValue: new Outbox(options.name) },
        { provide: Inbox, useValue: new Inbox(options.name) },
        { provide: InboxTransactions, useFactory: (db: Database, inbox: Inbox) => new InboxTransactions(db, inbox, { lingerMs: options.messageBatchLingerMs }), inject: [Database, Inbox] },
        { provide: OBJECT_STORE, useFactory: (c: EdocConfig) => createObjectStore(c), inject: [EDOC_CONFIG] },
        { provide: Directory, useFactory: () => Directory.fromFile(config.directoryFile) },
        ServiceReadiness,
        EventOutbox,
        RefusalRecorder,
        DeadLetterDesk,
        RevocationStore,
        { provide: REVOCATION_CHECK, useExisting: RevocationStore },
        { provide: APP_PIPE, useClass: PrintableInputPipe },
        ShutdownDeadline,
        GracefulStop,
      ],
      exports: [DeadLetterDesk, SERVICE_OPTIONS, EDOC_CONFIG, Database, Outbox, Inbox, InboxTransactions, OBJECT_STORE, Directory, ServiceReadiness, EventOutbox, RevocationStore, REVOCATION_CHECK],
    };
  }
}
