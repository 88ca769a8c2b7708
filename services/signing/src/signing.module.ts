import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { PrometheusModule, RuntimeModule } from '@edoc/runtime';
import { PkiController } from './controllers/pki.controller';
import { SignatureRequestsController } from './controllers/signature-requests.controller';
import { DocumentEventsHandler } from './handlers/document-events.handler';
import { CredentialsRepository } from './repositories/credentials.repository';
import { JobsRepository } from './repositories/jobs.repository';
import { PdfFilesRepository } from './repositories/pdf-files.repository';
import { SigningMetrics } from './services/signing-metrics';
import { SignatureRequestsService } from './services/signature-requests.service';
import { SignatureWait } from './services/signature-wait';
import { SigningService } from './services/signing.service';
import { TimestampService } from './services/timestamp.service';

const wait = new SignatureWait();

@Module({
  imports: [
    RuntimeModule.forService({
      name: 'signing',
      defaultPort: 3001,
      migrationsDir: join(__dirname, '..', 'migrations'),
      openApi: {
        title: 'edoc signing',
        description:
          'Signature requests: the signer named in a submission reads it and approves it (the signature follows) or returns it to the drafting clerk. ' +
          'Also the published CA material and the time-stamp authority. Every route but /pki needs an access token from the identity service.',
      },
    }),
    PrometheusModule.forFeature([
      {
        name: 'edoc_signature_requests_overdue',
        help: 'Signature requests waiting for their signer longer than allowed (EDOC_SIGNATURE_WAIT_MINUTES; EDOC_URGENT_SIGNATURE_WAIT_MINUTES for KHẨN and above)',
        labelNames: ['urgency'],
        sql: `SELECT u.urgency, count(j.document_id)::float8 AS value
              FROM (VALUES ('normal'), ('urgent')) AS u(urgency)
              LEFT JOIN signing.jobs j ON j.state = 'awaiting_signature'
                AND (CASE WHEN coalesce(j.metadata->>'priority', 'PRIORITY_NORMAL_UNSPECIFIED') = 'PRIORITY_NORMAL_UNSPECIFIED' THEN 'normal' ELSE 'urgent' END) = u.urgency
                AND j.requested_at < now() - (CASE u.urgency WHEN 'normal' THEN ${wait.normalMs} ELSE ${wait.urgentMs} END) * interval '1 millisecond'
              GROUP BY u.urgency`,
      },
    ]),
  ],
  controllers: [PkiController, SignatureRequestsController, DocumentEventsHandler],
  providers: [CredentialsRepository, JobsRepository, PdfFilesRepository, TimestampService, SigningMetrics, SigningService, SignatureWait, SignatureRequestsService],
})
export class SigningModule {}
