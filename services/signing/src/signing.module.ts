import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { RuntimeModule } from '@edoc/runtime';
import { PkiController } from './controllers/pki.controller';
import { DocumentEventsHandler } from './handlers/document-events.handler';
import { CredentialsRepository } from './repositories/credentials.repository';
import { JobsRepository } from './repositories/jobs.repository';
import { PdfFilesRepository } from './repositories/pdf-files.repository';
import { SigningMetrics } from './services/signing-metrics';
import { SigningService } from './services/signing.service';
import { TimestampService } from './services/timestamp.service';

@Module({
  imports: [RuntimeModule.forService({ name: 'signing', defaultPort: 3001, migrationsDir: join(__dirname, '..', 'migrations') })],
  controllers: [PkiController, DocumentEventsHandler],
  providers: [CredentialsRepository, JobsRepository, PdfFilesRepository, TimestampService, SigningMetrics, SigningService],
})
export class SigningModule {}
