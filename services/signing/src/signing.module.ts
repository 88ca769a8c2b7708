import { OcspService } from './services/ocsp.service';
import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { PrometheusModule, RuntimeModule } from '@edoc/runtime';
import { PkiController } from './controllers/pki.controller';
import { SecondFactorController } from './controllers/second-factor.controller';
import { SignatureRequestsController } from './controllers/signature-requests.controller';
import { DocumentEventsHandler } from './handlers/document-events.handler';
import { CredentialsRepository } from './repositories/credentials.repository';
import { JobsRepository } from './repositories/jobs.repository';
import { PdfFilesRepository } from './repositories/pdf-files.repository';
import { PageTextRepository } from './repositories/page-text.repository';
import { SecondFactorsRepository } from './repositories/second-factors.repository';
import { SecretBox } from './repositories/secret-box';
import { SigningMetrics } from './services/signing-metrics';
import { ExternalSigningService } from './services/external-signing.service';
import { RequestGate } from './services/request-gate.service';
import { SecondFactorService } from './services/second-factor.service';
import { SignatureLayoutService } from './services/signature-layout.service';
import { SignatureRequestsService } from './services/signature-requests.service';
import { SignatureWait } from './services/signature-wait';
import { SigningService } from './services/signing.service';
import { TimestampService } from './services/timestamp.service';
import { ValidationDataService } from './services/validation-data.service';
import { TokenApprovalService } from './services/token-approval.service';
import { WaitingApprovalsService } from './services/waiting-approvals.service';

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
      {
        name: 'edoc_second_factor_wrong_codes',
        help: 'Wrong second-factor codes given with approvals, in all, since each enrolment',
        labelNames: [],
        sql: `SELECT coalesce(sum(failures_total), 0)::float8 AS value FROM signing.second_factors`,
      },
      {
        name: 'edoc_second_factor_locked_signers',
        help: 'Signers locked out of remote signing after five wrong codes in a row',
        labelNames: [],
        sql: `SELECT count(*)::float8 AS value FROM signing.second_factors WHERE locked_at IS NOT NULL`,
      },
    ]),
  ],
  controllers: [PkiController, SignatureRequestsController, SecondFactorController, DocumentEventsHandler],
  providers: [
    CredentialsRepository,
    OcspService,
    JobsRepository,
    PdfFilesRepository,
    SecondFactorsRepository,
    PageTextRepository,
    SignatureLayoutService,
    SecretBox,
    TimestampService,
    ValidationDataService,
    SigningMetrics,
    SigningService,
    SignatureWait,
    SecondFactorService,
    RequestGate,
    SignatureRequestsService,
    ExternalSigningService,
    TokenApprovalService,
    WaitingApprovalsService,
  ],
})
export class SigningModule {}
