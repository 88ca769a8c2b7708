import { Injectable, Logger } from '@nestjs/common';
import { BusinessType, DocumentImported, DocumentIssued, type DocumentMetadata, type FileRef, type Timestamp, timestampDate, timestampFromDate } from '@edoc/contracts';
import { Directory } from '@edoc/directory';
import { InboxTransactions, PermanentMessageError } from '@edoc/messaging';
import { EventOutbox, isUrgent } from '@edoc/runtime';
import { RoutingRepository } from '../repositories/deliveries.repository';
import { receiptDeadline } from '../domain/receipt-deadline';
import { deliveryIdFor } from './delivery-id';
import { ReceiptRulesConfig } from './receipt-rules.config';

/** The path clients fetch a delivered file from: GET <intake>/files/<sha256>. */
export const DOWNLOAD_PATH = '/files';

/**
 * An issued document becomes one delivery per recipient, in the same transaction that records the
 * deliveries: a ward system's is published to the inbox exchange with the ward's code as routing
 * key (an outside organ's reaches the axis gateway that way), the built-in units' go to intake
 * together (deliveries.builtin).
 */
@Injectable()
export class FanOutService {
  private readonly logger = new Logger(FanOutService.name);

  constructor(
    private readonly transactions: InboxTransactions,
    private readonly routing: RoutingRepository,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
    private readonly receiptRules: ReceiptRulesConfig,
  ) {}

  onIssued(event: DocumentIssued, messageId: string): Promise<void> {
    if (event.metadata === undefined || event.file === undefined) throw new PermanentMessageError('document.issued without metadata or file');
    return this.fanOut({ metadata: event.metadata, file: event.file, attachments: event.attachments, issuedAt: event.issuedAt }, messageId);
  }

  /**
   * A document from the national axis, for the units of this exchange it addresses: delivered like
   * an issued one, its sender the outside organ.
   */
  onImported(event: DocumentImported, messageId: string): Promise<void> {
    if (event.metadata === undefined || event.file === undefined) throw new PermanentMessageError('document.imported without metadata or file');
    if (this.directory.isLocalUnit(event.metadata.issuerCode)) throw new PermanentMessageError(`document.imported ${event.metadata.documentId}: ${event.metadata.issuerCode} is a unit of this exchange, whose documents are issued here`);
    return this.fanOut({ metadata: event.metadata, file: event.file, attachments: event.attachments, issuedAt: event.importedAt }, messageId);
  }

  private async fanOut(event: { metadata: DocumentMetadata; file: FileRef; attachments: FileRef[]; issuedAt: Timestamp | undefined }, messageId: string): Promise<void> {
    const { metadata } = event;
    const recipients = metadata.recipientCodes.map((code) => {
      const organisation = this.directory.get(code);
      if (organisation === undefined) throw new PermanentMessageError(`document ${metadata.documentId}: recipient ${code} is not in the directory`);
      return organisation;
    });
    const issuedAt = event.issuedAt ? timestampDate(event.issuedAt) : new Date();
    await this.transactions.once('routing.fan_out', messageId, async (tx) => {
      if (!(await this.routing.insertDocument(tx, { metadata, file: event.file, attachments: event.attachments, issuedAt }))) return;
      const createdAt = timestampFromDate(new Date());
      const receiptDeadlineAt = receiptDeadline(new Date(), metadata.priority, this.receiptRules);
      const rows = recipients.map((recipient) => ({
        deliveryId: deliveryIdFor(metadata.documentId, recipient.code),
        documentId: metadata.documentId,
        recipientCode: recipient.code,
        channel: recipient.channel,
        receiptDeadline: receiptDeadlineAt,
      }));
      // A statement for all the recipients, not one each: a document goes to twenty wards.
      await this.routing.insertDeliveries(tx, rows);
      const deliveries = rows.map((row) => ({
        row,
        init: {
          deliveryId: row.deliveryId,
          documentId: metadata.documentId,
          senderCode: metadata.issuerCode,
          recipientCode: row.recipientCode,
          businessType: metadata.businessType ?? BusinessType.NEW_UNSPECIFIED,
          metadata,
          file: event.file,
          attachments: event.attachments,
          downloadPath: DOWNLOAD_PATH,
          createdAt,
        },
      }));
      // Ward systems get a Delivery each on their own queue, outside organs on the gateway's; the
      // built-in units' deliveries go to intake together, which enters them in one transaction
      // instead of one each.
      await this.events.deliverAll(tx, deliveries.filter((d) => d.row.channel !== 'builtin').map((d) => d.init), metadata.priority);
      const builtin = deliveries.filter((d) => d.row.channel === 'builtin').map((d) => d.init);
      if (builtin.length > 0) await this.events.emit(tx, 'builtinDeliveries', { deliveries: builtin }, { urgent: isUrgent(metadata.priority) });
      const created = rows.map((row) => ({ deliveryId: row.deliveryId, recipientCode: row.recipientCode, channel: row.channel }));
      // One event for all of them: each recipient's event cost every consumer a transaction.
      await this.events.emit(tx, 'deliveriesCreated', { documentId: metadata.documentId, senderCode: metadata.issuerCode, createdAt, dueDate: metadata.dueDate, deliveries: created });
    });
    this.logger.log(`routed ${metadata.edxmlDocumentId || metadata.documentId} to ${recipients.length} recipient(s)`);
  }
}
