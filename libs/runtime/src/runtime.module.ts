import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EdocConfig, loadConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { IdentityModule } from '@edoc/identity';
import { Inbox, Outbox } from '@edoc/messaging';
import { createObjectStore } from '@edoc/storage';
import { HealthController } from './health.controller';
import { PrometheusModule } from './prometheus';
import { ServiceReadiness } from './readiness';
import { ShutdownDeadline } from './shutdown-deadline';
import { EventOutbox } from './events';
import { readAuthPublicKey } from './auth-key';
import { EDOC_CONFIG, OBJECT_STORE, SERVICE_OPTIONS, ServiceOptions } from './service-options';

/**
 * Everything a service shares with the others: configuration, the database of its own
 * schema, the broker connection, outbox and inbox, object storage, the directory,
 * authentication and the health probes.
 */
@Module({})
export class RuntimeModule {
  static forService(options: ServiceOptions): DynamicModule {
    const config = loadConfig();
    return {
      module: RuntimeModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false }), IdentityModule.forRoot({ publicKey: readAuthPublicKey(config) }), PrometheusModule],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_OPTIONS, useValue: options },
        { provide: EDOC_CONFIG, useValue: config },
        { provide: Database, useFactory: () => new Database({ url: config.databaseUrl, applicationName: `edoc-${options.name}` }) },
        { provide: Outbox, useValue: new Outbox(options.name) },
        { provide: Inbox, useValue: new Inbox(options.name) },
        { provide: OBJECT_STORE, useFactory: (c: EdocConfig) => createObjectStore(c), inject: [EDOC_CONFIG] },
        { provide: Directory, useFactory: () => Directory.fromFile(config.directoryFile) },
        ServiceReadiness,
        EventOutbox,
        ShutdownDeadline,
      ],
      exports: [SERVICE_OPTIONS, EDOC_CONFIG, Database, Outbox, Inbox, OBJECT_STORE, Directory, ServiceReadiness, EventOutbox],
    };
  }
}
