import { Module } from '@nestjs/common';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { EDOC_CONFIG, RuntimeModule } from '@edoc/runtime';
import { createArchiveStore } from '@edoc/storage';
import { ArchiveHandler } from './handlers/archive.handler';
import { RecordsRepository } from './repositories/records.repository';
import { ARCHIVE_STORE } from './services/archive-store.token';
import { ArchiveService } from './services/archive.service';

export const ARCHIVAL_QUEUES = ['archival.events'];

@Module({
  imports: [RuntimeModule.forService({ name: 'archival', defaultPort: 3003, queues: ARCHIVAL_QUEUES, migrationsDir: join(__dirname, '..', 'migrations') })],
  controllers: [ArchiveHandler],
  providers: [RecordsRepository, ArchiveService, { provide: ARCHIVE_STORE, useFactory: (config: EdocConfig) => createArchiveStore(config), inject: [EDOC_CONFIG] }],
})
export class ArchivalModule {}
