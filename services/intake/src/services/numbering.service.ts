import { Injectable, Logger } from '@nestjs/common';
import { clone, DocumentMetadataSchema, Medium, PersonSignatureApplied, RegisterBook, timestampFromDate } from '@edoc/contracts';
import { Database, sqlState, together } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { EventOutbox, isUrgent } from '@edoc/runtime';
import { buildNotation, edxmlDocumentId, numberAndNotation } from '../domain/numbering';
import { vietnamDate, vietnamYear } from '@edoc/contracts';
import { DocumentsRepository } from '../repositories/documents.repository';
import { RegistersRepository } from '../repositories/registers.repository';

const UNIQUE_VIOLATION = '23505';

/**
 * Between the person's signature and the organisation's, the issuer's outgoing register
 * gives the document its number, notation and date of issue (Decree 30, art. 15).
 */
@Injectable()
export class NumberingService {
  private readonly logger = new Logger(NumberingService.name);

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly documents: DocumentsRepository,
    private readonly registers: RegistersRepository,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
  ) {}

  async onPersonSigned(event: PersonSignatureApplied, messageId: string): Promise<void> {
    try {
      await this.db.transaction((tx) => this.number(tx, event, messageId));
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      // Another entry of the same year already holds this number and notation: Decree 30 refuses the duplicate.
      const reason = `the outgoing register of ${event.issuerCode} already holds this number and notation`;
      this.logger.warn(`document ${event.documentId}: ${reason}`);
      await this.db.transaction(async (tx) => {
        if (!(await this.inbox.claim(tx, messageId, 'intake.numbering'))) return;
        await this.documents.markFailed(tx, event.documentId, 'numbering', reason);
        await this.events.emit(tx, 'documentFailed', { documentId: event.documentId, issuerCode: event.issuerCode, stage: 'numbering', reason, failedAt: timestampFromDate(new Date()) });
      });
    }
  }

  private async number(tx: Parameters<Parameters<Database['transaction']>[0]>[0], event: PersonSignatureApplied, messageId: string): Promise<void> {
    // Statements that do not wait for each other's answers leave together: three round trips
    // instead of six, and the register's counter, a hot lock, is held for fewer of them.
    const [claimed, doc] = await together(this.inbox.claim(tx, messageId, 'intake.numbering'), this.documents.findForUpdate(tx, event.documentId));
    if (!claimed) return;
    if (doc === undefined) throw new PermanentMessageError(`person signature for unknown document ${event.documentId}`);
    if (doc.state !== 'awaiting_signature') return;
    const issuer = this.directory.require(doc.issuerCode);
    const now = new Date();
    const year = vietnamYear(now);
    const series = doc.metadata.legalNormative ? 'legal' : 'normal';
    const [, number] = await together(this.documents.markPersonSigned(tx, doc.documentId), this.registers.takeNextNumber(tx, issuer.code, 'outgoing', year, series));
    const notation = buildNotation(doc.metadata.typeCode, issuer.abbreviation, doc.metadata.draftingUnit);
    const issuedDate = vietnamDate(now);
    const metadata = clone(DocumentMetadataSchema, doc.metadata);
    metadata.number = number;
    metadata.notation = notation;
    metadata.issuedDate = issuedDate;
    metadata.edxmlDocumentId = edxmlDocumentId(issuer.code, issuedDate, number, notation);
    const [entry] = await together(this.registers.insert(tx, {
      orgCode: issuer.code,
      book: 'outgoing',
      year,
      series,
      number,
      medium: 'electronic',
      documentId: doc.documentId,
      numberNotation: numberAndNotation(number, notation),
      documentDate: issuedDate,
      typeCode: metadata.typeCode,
      subject: metadata.subject,
      counterpart: metadata.recipientCodes.join(', '),
      signer: [metadata.signer?.competence, metadata.signer?.position, metadata.signer?.fullName].filter(Boolean).join(' '),
      dueDate: metadata.dueDate,
      recordedAt: now,
    }), this.documents.markNumbered(tx, doc.documentId, metadata));
    await this.events.emit(tx, 'documentNumbered', {
      documentId: doc.documentId,
      issuerCode: issuer.code,
      number,
      notation,
      issuedDate,
      edxmlDocumentId: metadata.edxmlDocumentId,
      numberedAt: timestampFromDate(now),
    }, { urgent: isUrgent(metadata.priority) });
    await this.events.emit(tx, 'registerEntryRecorded', {
      entryId: entry.entryId,
      orgCode: issuer.code,
      book: RegisterBook.OUTGOING,
      year,
      number,
      medium: Medium.ELECTRONIC,
      documentId: doc.documentId,
      typeCode: metadata.typeCode,
      subject: metadata.subject,
      counterpartCode: metadata.recipientCodes.join(','),
      dueDate: metadata.dueDate,
      routine: true,
      recordedAt: timestampFromDate(now),
    });
  }
}
