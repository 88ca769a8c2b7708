import { DirectoryController } from './controllers/directory.controller';
import { WebAppController } from './web-app/web-app.controller';
import { DeadLettersRelayController } from './web-app/dead-letters.controller';
import { DeadLetterRelayService } from './services/dead-letter-relay.service';
import { DirectoryViewService } from './services/directory-view.service';
import { FileVerificationService } from './services/file-verification.service';
import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { PrometheusModule, RuntimeModule } from '@edoc/runtime';
import { DeliveryLedgerController } from './controllers/delivery-ledger.controller';
import { DocumentsController } from './controllers/documents.controller';
import { FilesController } from './controllers/files.controller';
import { InboxController } from './controllers/inbox.controller';
import { RegistersController } from './controllers/registers.controller';
import { AxisEventsHandler } from './handlers/axis-events.handler';
import { DeliveryEventsHandler } from './handlers/delivery-events.handler';
import { AxisStatusRelay } from './services/axis-status-relay.service';
import { DocumentEventsHandler } from './handlers/document-events.handler';
import { DeliveriesRepository } from './repositories/deliveries.repository';
import { DeliveryLedgerRepository } from './repositories/delivery-ledger.repository';
import { DocumentsRepository } from './repositories/documents.repository';
import { RegistersRepository } from './repositories/registers.repository';
import { StagedObjectsRepository } from './repositories/staged-objects.repository';
import { SignersRepository } from './repositories/signers.repository';
import { UserEventsHandler } from './handlers/user-events.handler';
import { SignerDirectory } from './services/signer-directory.service';
import { OrphanSweeperService } from './services/orphan-sweeper.service';
import { PdfPreflight } from './uploads/pdf-preflight.service';
import { UploadSlots, UploadSlotsGuard } from './uploads/upload-slots';
import { ArrivalService } from './services/arrival.service';
import { DeliveryLedgerService } from './services/delivery-ledger.service';
import { DeliveryViewService } from './services/delivery-view.service';
import { DocumentOutcomeService } from './services/document-outcome.service';
import { DocumentViewService } from './services/document-view.service';
import { EdxmlExportService } from './services/edxml-export.service';
import { EdxmlImportService } from './services/edxml-import.service';
import { EdxmlStatusService } from './services/edxml-status.service';
import { EdxmlImportsRepository } from './repositories/edxml-imports.repository';
import { EdxmlController } from './controllers/edxml.controller';
import { FileAccessService } from './services/file-access.service';
import { InboxService } from './services/inbox.service';
import { NumberingService } from './services/numbering.service';
import { PaperRegistrationService } from './services/paper-registration.service';
import { RecallService } from './services/recall.service';
import { RegisterPrintService } from './services/register-print.service';
import { RegisterViewService } from './services/register-view.service';
import { SubmissionService } from './services/submission.service';

@Module({
  imports: [
    RuntimeModule.forService({
      name: 'intake',
      defaultPort: 3000,
      migrationsDir: join(__dirname, '..', 'migrations'),
      openApi: {
        title: 'edoc intake',
        description:
          'The clerk\'s office of the e-document exchange: submit documents to be signed and sent, follow each recipient\'s status, ' +
          'read the built-in inbox and report statuses, keep the registers (sổ đăng ký) and register paper documents. ' +
          'Every route needs an access token from the identity service (POST :3005/auth/login); `npm start` prints the demo users and their passwords.',
      },
    }),
    PrometheusModule.forFeature([
      {
        name: 'edoc_documents',
        help: 'Documents by state (awaiting_signature, returned, person_signed, numbered, issued, failed, recalled)',
        labelNames: ['state'],
        sql: `SELECT s.state, count(d.document_id)::float8 AS value
              FROM unnest(ARRAY['awaiting_signature','returned','person_signed','numbered','issued','failed','recalled']) AS s(state)
              LEFT JOIN intake.documents d ON d.state = s.state GROUP BY s.state`,
      },
    ]),
  ],
  controllers: [DocumentsController, EdxmlController, DirectoryController, DeadLettersRelayController, WebAppController, InboxController, FilesController, RegistersController, DeliveryLedgerController, DocumentEventsHandler, DeliveryEventsHandler, UserEventsHandler, AxisEventsHandler],
  providers: [
    AxisStatusRelay,
    DeadLetterRelayService,
    DirectoryViewService,
    FileVerificationService,
    DocumentsRepository,
    RegistersRepository,
    DeliveriesRepository,
    DeliveryLedgerRepository,
    DeliveryLedgerService,
    SignersRepository,
    SignerDirectory,
    SubmissionService,
    NumberingService,
    DocumentOutcomeService,
    ArrivalService,
    DeliveryViewService,
    DocumentViewService,
    EdxmlExportService,
    EdxmlImportService,
    EdxmlStatusService,
    EdxmlImportsRepository,
    InboxService,
    FileAccessService,
    RegisterViewService,
    RegisterPrintService,
    PaperRegistrationService,
    RecallService,
    StagedObjectsRepository,
    OrphanSweeperService,
    UploadSlots,
    UploadSlotsGuard,
    PdfPreflight,
  ],
})
export class IntakeModule {}
