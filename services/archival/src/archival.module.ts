import { Module } from '@nestjs/common';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { RECORD_BATCH_LINGER_MS } from '@edoc/messaging';
import { EDOC_CONFIG, PrometheusModule, RuntimeModule } from '@edoc/runtime';
import { createArchiveStore } from '@edoc/storage';
import { ARCHIVAL_SETTINGS, loadArchivalSettings } from './config/archival-settings';
import { ArchiveController } from './controllers/archive.controller';
import { AuditController } from './controllers/audit.controller';
import { ArchiveHandler } from './handlers/archive.handler';
import { LifecycleHandler } from './handlers/lifecycle.handler';
import { AuditEntriesRepository } from './repositories/audit-entries.repository';
import { CheckpointsRepository } from './repositories/checkpoints.repository';
import { IssuedFilesRepository } from './repositories/issued-files.repository';
import { RecordsRepository } from './repositories/records.repository';
import { ArchiveKeysService } from './services/archive-keys.service';
import { ArchiveStoreNoticeService } from './services/archive-store-notice.service';
import { ARCHIVE_STORE } from './services/archive-store.token';
import { ArchiveService } from './services/archive.service';
import { ArchivalMetrics } from './services/archival-metrics';
import { ArchiveRenewalService } from './services/archive-renewal.service';
import { AuditTrailService } from './services/audit-trail.service';
import { AuditViewService } from './services/audit-view.service';
import { CheckpointService } from './services/checkpoint.service';
import { DisposalReviewService } from './services/disposal-review.service';
import { ExportService } from './services/export.service';
import { RecordsViewService } from './services/records-view.service';

/** archival.events is bound to every event ("#"): each one is appended to the audit chain. */
@Module({
  imports: [
    RuntimeModule.forService({ name: 'archival', defaultPort: 3003, migrationsDir: join(__dirname, '..', 'migrations'), messageBatchLingerMs: RECORD_BATCH_LINGER_MS }),
    PrometheusModule.forFeature([
      {
        name: 'edoc_archive_renewals_blocked',
        help: 'Archived documents whose time-stamp is due for renewal but cannot be renewed (the reason is on the record): alert on any',
        labelNames: [],
        sql: `SELECT count(*)::float8 AS value FROM archival.records WHERE renewal_blocked IS NOT NULL`,
      },
      {
        name: 'edoc_archive_timestamp_horizon_seconds',
        help: "Seconds until the nearest archived document's newest time-stamp stops proving anything (its TSA certificate expires); no sample when none is time-stamped",
        labelNames: [],
        sql: `SELECT extract(epoch FROM min(timestamp_horizon) - now())::float8 AS value FROM archival.records HAVING min(timestamp_horizon) IS NOT NULL`,
      },
    ]),
  ],
  controllers: [ArchiveHandler, LifecycleHandler, AuditController, ArchiveController],
  providers: [
    { provide: ARCHIVAL_SETTINGS, useFactory: (config: EdocConfig) => loadArchivalSettings(config), inject: [EDOC_CONFIG] },
    { provide: ARCHIVE_STORE, useFactory: (config: EdocConfig) => createArchiveStore(config), inject: [EDOC_CONFIG] },
    RecordsRepository,
    AuditEntriesRepository,
    CheckpointsRepository,
    IssuedFilesRepository,
    ArchiveKeysService,
    CheckpointService,
    AuditTrailService,
    ArchiveService,
    DisposalReviewService,
    ExportService,
    RecordsViewService,
    AuditViewService,
    ArchiveStoreNoticeService,
    ArchivalMetrics,
    ArchiveRenewalService,
  ],
})
export class ArchivalModule {}
