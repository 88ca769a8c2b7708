import { Injectable } from '@nestjs/common';
import { DocumentFailed, DocumentIssued, SignatureReturned, timestampDate } from '@edoc/contracts';
import { InboxTransactions, PermanentMessageError } from '@edoc/messaging';
import { DocumentsRepository } from '../repositories/documents.repository';

/** Keeps the clerk's view of a document in step with what signing reports. */
@Injectable()
export class DocumentOutcomeService {
  constructor(
    private readonly transactions: InboxTransactions,
    private readonly documents: DocumentsRepository,
  ) {}

  async onIssued(event: DocumentIssued, messageId: string): Promise<void> {
    const documentId = event.metadata?.documentId ?? '';
    const file = event.file;
    if (file === undefined) throw new PermanentMessageError(`document.issued for ${documentId} carries no file`);
    const issued = { file, attachments: event.attachments, issuedAt: event.issuedAt ? timestampDate(event.issuedAt) : new Date() };
    await this.transactions.once('intake.issued', messageId, (tx) => this.documents.markIssued(tx, documentId, issued));
  }

  /** The signer sent the request back: the clerk sees the comment and may submit a revision. */
  async onReturned(event: SignatureReturned, messageId: string): Promise<void> {
    const returned = { by: event.returnedBy, comment: event.comment, at: event.returnedAt ? timestampDate(event.returnedAt) : new Date() };
    await this.transactions.once('intake.returned', messageId, (tx) => this.documents.markReturned(tx, event.documentId, returned));
  }

  async onFailed(event: DocumentFailed, messageId: string): Promise<void> {
    await this.transactions.once('intake.failed', messageId, (tx) => this.documents.markFailed(tx, event.documentId, event.stage, event.reason));
  }
}
