import { Injectable } from '@nestjs/common';
import { DeliveryCreated, DeliveryStatusChanged, StatusCode, timestampDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { DeliveriesRepository } from '../repositories/deliveries.repository';

/** Projects routing's events into the sender's view of each recipient. */
@Injectable()
export class DeliveryViewService {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  async onCreated(event: DeliveryCreated, messageId: string): Promise<void> {
    const d = event.delivery;
    if (d === undefined) throw new PermanentMessageError('delivery.created without a delivery');
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.delivery_created'))) return;
      await this.deliveries.upsertCreated(tx, {
        deliveryId: d.deliveryId,
        documentId: d.documentId,
        senderCode: d.senderCode,
        recipientCode: d.recipientCode,
        channel: event.channel,
        createdAt: d.createdAt ? timestampDate(d.createdAt) : new Date(),
      });
    });
  }

  async onStatusChanged(event: DeliveryStatusChanged, messageId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.status_changed'))) return;
      await this.deliveries.applyStatus(tx, {
        deliveryId: event.deliveryId,
        documentId: event.documentId,
        senderCode: event.senderCode,
        recipientCode: event.recipientCode,
        status: event.status,
        recallPending: event.recallPending,
        sequence: event.sequence,
        reportedStatus: event.reportedStatus === StatusCode.UNSPECIFIED ? event.status : event.reportedStatus,
        reason: event.reason,
        reportedBy: event.reportedBy,
        occurredAt: event.occurredAt ? timestampDate(event.occurredAt) : new Date(),
      });
    });
  }
}
