import { Injectable } from '@nestjs/common';
import { DeliveryCreated, DeliveryStatusChanged, StatusCode, timestampDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { vietnamDay } from '../domain/vietnam-time';
import { DeliveryFactsRepository } from '../repositories/delivery-facts.repository';
import { isDayText, isUuid } from '../domain/formats';

const RECEIPT = new Set<StatusCode>([StatusCode.ARRIVED, StatusCode.ACCEPTED]);

/** Keeps, per delivery, when it was created, when its receipt was confirmed and when it was handled. */
@Injectable()
export class DeliveryFactsService {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly deliveries: DeliveryFactsRepository,
  ) {}

  async onCreated(event: DeliveryCreated, messageId: string): Promise<void> {
    const delivery = event.delivery;
    if (delivery === undefined || delivery.createdAt === undefined) throw new PermanentMessageError('delivery.created without a delivery or its creation time');
    if (!isUuid(delivery.deliveryId) || !isUuid(delivery.documentId)) {
      throw new PermanentMessageError(`delivery.created: delivery id "${delivery.deliveryId}" or document id "${delivery.documentId}" is not a UUID`);
    }
    const dueDate = delivery.metadata?.dueDate ?? '';
    if (dueDate !== '' && !isDayText(dueDate)) throw new PermanentMessageError(`delivery.created ${delivery.deliveryId}: due date "${dueDate}" is not yyyy-mm-dd`);
    const createdAt = timestampDate(delivery.createdAt);
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'metrics.delivery_created'))) return;
      await this.deliveries.recordCreated(tx, {
        deliveryId: delivery.deliveryId,
        documentId: delivery.documentId,
        senderCode: delivery.senderCode,
        recipientCode: delivery.recipientCode,
        channel: event.channel,
        createdAt,
        createdDate: vietnamDay(createdAt),
        dueDate: dueDate || null,
      });
    });
  }

  async onStatusChanged(event: DeliveryStatusChanged, messageId: string): Promise<void> {
    if (!isUuid(event.deliveryId)) throw new PermanentMessageError(`delivery.status_changed: delivery id "${event.deliveryId}" is not a UUID`);
    if (event.occurredAt === undefined) throw new PermanentMessageError(`delivery.status_changed ${event.deliveryId} has no time`);
    const occurredAt = timestampDate(event.occurredAt);
    const reported = event.reportedStatus === StatusCode.UNSPECIFIED ? event.status : event.reportedStatus;
    const byRecipient = event.reportedBy === event.recipientCode;
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'metrics.delivery_status'))) return;
      await this.deliveries.recordStatus(tx, {
        deliveryId: event.deliveryId,
        documentId: isUuid(event.documentId) ? event.documentId : '',
        senderCode: event.senderCode,
        recipientCode: event.recipientCode,
        status: event.status,
        sequence: Number(event.sequence),
        receiptAt: byRecipient && RECEIPT.has(reported) ? occurredAt : null,
        completedAt: byRecipient && reported === StatusCode.COMPLETED ? occurredAt : null,
      });
    });
  }
}
