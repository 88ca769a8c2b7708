import { Injectable, Logger } from '@nestjs/common';
import { BusinessType, type Delivery, type EdxmlStatusOutgoing } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { isUuid } from '../domain/uuid';
import { OutgoingRepository } from '../repositories/outgoing.repository';
import { PackageBuilder } from './package-builder.service';

/**
 * What goes to the axis enters the gateway's outgoing table in the transaction that takes its
 * message from the queue: from then on the sender posts it until the axis accepts it.
 */
const BUSINESS_NAMES: Partial<Record<BusinessType, string>> = { [BusinessType.RECALL]: 'recall', [BusinessType.UPDATE]: 'update', [BusinessType.REPLACE]: 'replacement' };

@Injectable()
export class OutboundService {
  private readonly logger = new Logger(OutboundService.name);

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly directory: Directory,
    private readonly outgoing: OutgoingRepository,
    private readonly packages: PackageBuilder,
  ) {}

  /**
   * A delivery to an outside organ: one signed package, posted under the delivery's id. A recall
   * of it (the same delivery, business type RECALL) is a package of its own, posted under its
   * message's id; an update or replacement names the document it concerns by the edXML id under
   * which that one left through the gateway.
   */
  async onDelivery(delivery: Delivery, messageId: string): Promise<void> {
    if (!isUuid(delivery.deliveryId) || !isUuid(delivery.documentId)) throw new PermanentMessageError(`delivery "${delivery.deliveryId}" of document "${delivery.documentId}": ids must be UUIDs`);
    if (this.directory.get(delivery.recipientCode)?.channel !== 'axis') throw new PermanentMessageError(`delivery ${delivery.deliveryId}: ${delivery.recipientCode} is not an organ reached through the axis`);
    const body = await this.packages.build(delivery, await this.concernedEdxmlId(delivery));
    const rowId = delivery.businessType === BusinessType.RECALL ? messageId : delivery.deliveryId;
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'gateway.outbound'))) return;
      const fresh = await this.outgoing.insert(tx, {
        messageId: rowId,
        kind: 'package',
        documentId: delivery.documentId,
        deliveryId: delivery.deliveryId,
        toCode: delivery.recipientCode,
        edxmlDocumentId: delivery.metadata?.edxmlDocumentId ?? '',
        body,
      });
      if (fresh) this.logger.log(`${BUSINESS_NAMES[delivery.businessType] ?? 'package'} ${delivery.metadata?.edxmlDocumentId} for ${delivery.recipientCode} (${body.length} bytes) waits for the axis`);
    });
  }

  private async concernedEdxmlId(delivery: Delivery): Promise<string> {
    if (delivery.businessType === BusinessType.NEW_UNSPECIFIED) return '';
    if (delivery.businessType === BusinessType.RECALL) return delivery.metadata?.edxmlDocumentId ?? '';
    const concerned = delivery.metadata?.replacesDocumentId ?? '';
    const sent = isUuid(concerned) ? await this.outgoing.edxmlIdOf(concerned) : undefined;
    if (sent === undefined) throw new PermanentMessageError(`delivery ${delivery.deliveryId}: the document it ${delivery.businessType === BusinessType.UPDATE ? 'updates' : 'replaces'} (${concerned}) never left through the axis, so ${delivery.recipientCode} cannot know it`);
    return sent;
  }

  /**
   * A status reported here on a document from the axis, for its sender. A delivery's statuses are
   * recorded, so posted, in the order they arrive: `gateway.statuses` is single-active with a
   * prefetch of 1, so one instance handles one at a time (a 03 committed before its 01 would be
   * posted to the axis first).
   */
  async onStatus(event: EdxmlStatusOutgoing, messageId: string): Promise<void> {
    if (!isUuid(event.deliveryId) || !isUuid(event.documentId)) throw new PermanentMessageError(`edxml.status_outgoing for delivery "${event.deliveryId}" of document "${event.documentId}": ids must be UUIDs`);
    if (event.statusXml === '' || event.toCode === '') throw new PermanentMessageError('edxml.status_outgoing without a message or an addressee');
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'gateway.statuses'))) return;
      await this.outgoing.insert(tx, {
        messageId,
        kind: 'status',
        documentId: event.documentId,
        deliveryId: event.deliveryId,
        toCode: event.toCode,
        edxmlDocumentId: '',
        body: Buffer.from(event.statusXml, 'utf8'),
      });
    });
  }
}
