import { Injectable } from '@nestjs/common';
import { DocumentFailed, DocumentIssued, SignatureReturned, timestampDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { DocumentsRepository } from '../repositories/documents.repository';

/** Keeps the clerk's view of a document in step with what signing reports. */
@Injectable()
export class DocumentOutcomeService {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly documents: DocumentsRepository,
  ) {}

  async onIssued(event: DocumentIssued, messageId: string): Promise<void> {
    const documentId = event.metadata?.documentId ?? '';
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.issued'))) return;
      if (event.file === undefined) throw new PermanentMessageError(`document.issued for ${documentId} carries no file`);
      await this.documents.markIssued(tx, documentId, { file: event.file, attachments: event.attachments, issuedAt: event.issuedAt ? timestampDate(event.issuedAt) : new Date() });
    });
  }

  /** The signer sent the request back: the clerk sees the comment and may submit a revision. */
  async onReturned(event: SignatureReturned, messageId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.returned'))) return;
      await this.documents.markReturned(tx, event.documentId, { by: event.returnedBy, comment: event.comment, at: event.returnedAt ? timestampDate(event.returnedAt) : new Date() });
    });
  }

  async onFailed(event: DocumentFailed, messageId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.failed'))) return;
      await this.documents.markFailed(tx, event.documentId, event.stage, event.reason);
    });
  }
}
