import { Injectable } from '@nestjs/common';
import { DeliveriesCreated, DeliveryCreated, DeliveryStatusChanged, DeliveryStatusesChanged, StatusCode, timestampDate } from '@edoc/contracts';
import { InboxTransactions, PermanentMessageError } from '@edoc/messaging';
import { vietnamDay } from '../domain/vietnam-time';
import { type DeliveryCreatedFact, DeliveryFactsRepository, type DeliveryStatusFact } from '../repositories/delivery-facts.repository';
import { isDayText, isUuid } from '../domain/formats';

const RECEIPT = new Set<StatusCode>([StatusCode.ARRIVED, StatusCode.ACCEPTED]);

/** Keeps, per delivery, when it was created, when its receipt was confirmed and when it was handled. */
@Injectable()
export class DeliveryFactsService {
  constructor(
    private readonly transactions: InboxTransactions,
    private readonly deliveries: DeliveryFactsRepository,
  ) {}

  /** One delivery (the event routing sent before it announced a document's deliveries together). */
  async onCreated(event: DeliveryCreated, messageId: string): Promise<void> {
    const delivery = event.delivery;
    if (delivery === undefined || delivery.createdAt === undefined) throw new PermanentMessageError('delivery.created without a delivery or its creation time');
    const createdAt = timestampDate(delivery.createdAt);
    const fact = createdFact(delivery.deliveryId, delivery.documentId, delivery.senderCode, delivery.recipientCode, event.channel, createdAt, delivery.metadata?.dueDate ?? '', 'delivery.created');
    await this.recordCreated(messageId, 'metrics.delivery_created', [fact]);
  }

  /** A document's deliveries, in one transaction and one statement. */
  async onDeliveriesCreated(event: DeliveriesCreated, messageId: string): Promise<void> {
    if (event.createdAt === undefined || event.deliveries.length === 0) throw new PermanentMessageError(`deliveries.created for document ${event.documentId} without deliveries or their creation time`);
    const createdAt = timestampDate(event.createdAt);
    const facts = event.deliveries.map((d) => createdFact(d.deliveryId, event.documentId, event.senderCode, d.recipientCode, d.channel, createdAt, event.dueDate, 'deliveries.created'));
    await this.recordCreated(messageId, 'metrics.deliveries_created', facts);
  }

  private async recordCreated(messageId: string, consumer: string, facts: DeliveryCreatedFact[]): Promise<void> {
    await this.transactions.once(consumer, messageId, (tx) => this.deliveries.recordCreated(tx, facts));
  }

  async onStatusChanged(event: DeliveryStatusChanged, messageId: string): Promise<void> {
    await this.recordStatuses([statusFact(event)], messageId, 'metrics.delivery_status');
  }

  /** Changes routing accepted together (a document's 01s): one transaction for all. */
  async onStatusesChanged(event: DeliveryStatusesChanged, messageId: string): Promise<void> {
    if (event.changes.length === 0) throw new PermanentMessageError('delivery.statuses_changed without changes');
    await this.recordStatuses(event.changes.map(statusFact), messageId, 'metrics.delivery_statuses');
  }

  private async recordStatuses(facts: DeliveryStatusFact[], messageId: string, consumer: string): Promise<void> {
    await this.transactions.once(consumer, messageId, (tx) => this.deliveries.recordStatuses(tx, facts));
  }
}

/** A status change as metrics keeps it; what cannot be counted is refused for good. */
function statusFact(event: DeliveryStatusChanged): DeliveryStatusFact {
  if (!isUuid(event.deliveryId)) throw new PermanentMessageError(`delivery.status_changed: delivery id "${event.deliveryId}" is not a UUID`);
  if (event.occurredAt === undefined) throw new PermanentMessageError(`delivery.status_changed ${event.deliveryId} has no time`);
  const occurredAt = timestampDate(event.occurredAt);
  const reported = event.reportedStatus === StatusCode.UNSPECIFIED ? event.status : event.reportedStatus;
  const byRecipient = event.reportedBy === event.recipientCode;
  return {
    deliveryId: event.deliveryId,
    documentId: isUuid(event.documentId) ? event.documentId : '',
    senderCode: event.senderCode,
    recipientCode: event.recipientCode,
    status: event.status,
    sequence: Number(event.sequence),
    receiptAt: byRecipient && RECEIPT.has(reported) ? occurredAt : null,
    completedAt: byRecipient && reported === StatusCode.COMPLETED ? occurredAt : null,
  };
}

/** A delivery's creation as metrics keeps it; what cannot be counted is refused for good. */
function createdFact(deliveryId: string, documentId: string, senderCode: string, recipientCode: string, channel: string, createdAt: Date, dueDate: string, event: string): DeliveryCreatedFact {
  if (!isUuid(deliveryId) || !isUuid(documentId)) throw new PermanentMessageError(`${event}: delivery id "${deliveryId}" or document id "${documentId}" is not a UUID`);
  if (dueDate !== '' && !isDayText(dueDate)) throw new PermanentMessageError(`${event} ${deliveryId}: due date "${dueDate}" is not yyyy-mm-dd`);
  return { deliveryId, documentId, senderCode, recipientCode, channel, createdAt, createdDate: vietnamDay(createdAt), dueDate: dueDate || null };
}
