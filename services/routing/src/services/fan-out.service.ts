import { Injectable, Logger } from '@nestjs/common';
import { BusinessType, DocumentIssued, timestampDate, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { EventOutbox } from '@edoc/runtime';
import { RoutingRepository } from '../repositories/deliveries.repository';
import { receiptDeadline } from '../domain/receipt-deadline';
import { deliveryIdFor } from './delivery-id';
import { ReceiptRulesConfig } from './receipt-rules.config';

/** The path clients fetch a delivered file from: GET <intake>/files/<sha256>. */
export const DOWNLOAD_PATH = '/files';

/**
 * An issued document becomes one delivery per recipient, published to the inbox exchange with
 * the recipient's code as routing key, in the same transaction that records the deliveries.
 */
@Injectable()
export class FanOutService {
  private readonly logger = new Logger(FanOutService.name);

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly routing: RoutingRepository,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
    private readonly receiptRules: ReceiptRulesConfig,
  ) {}

  async onIssued(event: DocumentIssued, messageId: string): Promise<void> {
    const metadata = event.metadata;
    if (metadata === undefined || event.file === undefined) throw new PermanentMessageError('document.issued without metadata or file');
    const recipients = metadata.recipientCodes.map((code) => {
      const organisation = this.directory.get(code);
      if (organisation === undefined) throw new PermanentMessageError(`document ${metadata.documentId}: recipient ${code} is not in the directory`);
      return organisation;
    });
    const issuedAt = event.issuedAt ? timestampDate(event.issuedAt) : new Date();
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'routing.fan_out'))) return;
      if (!(await this.routing.insertDocument(tx, { metadata, file: event.file!, attachments: event.attachments, issuedAt }))) return;
      const createdAt = timestampFromDate(new Date());
      for (const recipient of recipients) {
        const deliveryId = deliveryIdFor(metadata.documentId, recipient.code);
        const channel = recipient.channel === 'queue' ? 'queue' : 'builtin';
        const receiptDeadlineAt = receiptDeadline(new Date(), metadata.priority, this.receiptRules);
        await this.routing.insertDelivery(tx, { deliveryId, documentId: metadata.documentId, recipientCode: recipient.code, channel, receiptDeadline: receiptDeadlineAt });
        const delivery = {
          deliveryId,
          documentId: metadata.documentId,
          senderCode: metadata.issuerCode,
          recipientCode: recipient.code,
          businessType: metadata.businessType ?? BusinessType.NEW_UNSPECIFIED,
          metadata,
          file: event.file,
          attachments: event.attachments,
          downloadPath: DOWNLOAD_PATH,
          createdAt,
        };
        await this.events.deliver(tx, delivery, metadata.priority);
        await this.events.emit(tx, 'deliveryCreated', { delivery, channel });
      }
    });
    this.logger.log(`routed ${metadata.edxmlDocumentId || metadata.documentId} to ${recipients.length} recipient(s)`);
  }
}
