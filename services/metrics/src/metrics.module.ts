import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { RuntimeModule } from '@edoc/runtime';
import { CoverageController } from './controllers/coverage.controller';
import { FactsHandler } from './handlers/facts.handler';
import { FactsRepository } from './repositories/facts.repository';
import { CoverageService } from './services/coverage.service';
import { FactsService } from './services/facts.service';

export const METRICS_QUEUES = ['metrics.events'];

@Module({
  imports: [RuntimeModule.forService({ name: 'metrics', defaultPort: 3004, queues: METRICS_QUEUES, migrationsDir: join(__dirname, '..', 'migrations') })],
  controllers: [CoverageController, FactsHandler],
  providers: [FactsRepository, FactsService, CoverageService],
})
export class MetricsModule {}
