import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { RECORD_BATCH_LINGER_MS } from '@edoc/messaging';
import { RuntimeModule } from '@edoc/runtime';
import { CoverageController } from './controllers/coverage.controller';
import { FactsController } from './controllers/facts.controller';
import { ReportsController } from './controllers/reports.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { targetsFromEnv } from './domain/targets';
import { FactsHandler } from './handlers/facts.handler';
import { CsvExportService } from './reports/csv-export.service';
import { MonthlyReportService } from './reports/monthly-report.service';
import { DeliveryFactsRepository } from './repositories/delivery-facts.repository';
import { FactsRepository } from './repositories/facts.repository';
import { CoverageGauges } from './services/coverage-gauges.service';
import { CoverageService, METRICS_CLOCK, METRICS_TARGETS } from './services/coverage.service';
import { DeliveryFactsService } from './services/delivery-facts.service';
import { FactsService } from './services/facts.service';
import { RebuildService } from './services/rebuild.service';

@Module({
  imports: [RuntimeModule.forService({ name: 'metrics', defaultPort: 3004, migrationsDir: join(__dirname, '..', 'migrations'), messageBatchLingerMs: RECORD_BATCH_LINGER_MS })],
  controllers: [CoverageController, ReportsController, FactsController, DashboardController, FactsHandler],
  providers: [
    { provide: METRICS_TARGETS, useFactory: () => targetsFromEnv() },
    { provide: METRICS_CLOCK, useValue: () => new Date() },
    FactsRepository,
    DeliveryFactsRepository,
    FactsService,
    DeliveryFactsService,
    CoverageService,
    CsvExportService,
    MonthlyReportService,
    RebuildService,
    CoverageGauges,
  ],
})
export class MetricsModule {}
