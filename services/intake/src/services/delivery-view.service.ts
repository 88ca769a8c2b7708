import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliveriesCreated, DeliveryCreated, DeliveryReceiptOverdue, DeliveryStatusChanged, DeliveryStatusesChanged, StatusCode, timestampDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { InboxTransactions, PermanentMessageError } from '@edoc/messaging';
import { OBJECT_STORE } from '@edoc/runtime';
import type { ObjectStore } from '@edoc/storage';
import { isUuid } from '../domain/uuid';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { DocumentsRepository } from '../repositories/documents.repository';
import { AxisStatusRelay } from './axis-status-relay.service';

/** Projects routing's events into the sender's view of each recipient. */
@Injectable()
export class DeliveryViewService {
  private readonly logger = new Logger(DeliveryViewService.name);

  constructor(
    private readonly db: Database,
    private readonly transactions: InboxTransactions,
    private readonly deliveries: DeliveriesRepository,
    private readonly documents: DocumentsRepository,
    private readonly directory: Directory,
    private readonly axisStatuses: AxisStatusRelay,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  /** One delivery (the event routing sent before it announced a document's deliveries together). */
  async onCreated(event: DeliveryCreated, messageId: string): Promise<void> {
    const d = event.delivery;
    if (d === undefined) throw new PermanentMessageError('delivery.created without a delivery');
    const createdAt = d.createdAt ? timestampDate(d.createdAt) : new Date();
    await this.recordCreated(messageId, 'intake.delivery_created', [
      { deliveryId: d.deliveryId, documentId: d.documentId, senderCode: d.senderCode, recipientCode: d.recipientCode, channel: event.channel, createdAt },
    ]);
  }

  /** A document's deliveries, in one transaction and one statement. */
  async onDeliveriesCreated(event: DeliveriesCreated, messageId: string): Promise<void> {
    if (event.deliveries.length === 0) throw new PermanentMessageError(`deliveries.created for document ${event.documentId} without deliveries`);
    // Refused at once with the reason, rather than retried until PostgreSQL's cast error dead-letters it.
    const malformed = [event.documentId, ...event.deliveries.map((d) => d.deliveryId)].find((id) => !isUuid(id));
    if (malformed !== undefined) throw new PermanentMessageError(`deliveries.created for document ${event.documentId}: "${malformed}" is not a UUID`);
    const createdAt = event.createdAt ? timestampDate(event.createdAt) : new Date();
    await this.recordCreated(
      messageId,
      'intake.deliveries_created',
      event.deliveries.map((d) => ({ deliveryId: d.deliveryId, documentId: event.documentId, senderCode: event.senderCode, recipientCode: d.recipientCode, channel: d.channel, createdAt })),
    );
  }

  private async recordCreated(messageId: string, consumer: string, rows: Parameters<DeliveriesRepository['upsertCreated']>[1]): Promise<void> {
    await this.transactions.once(consumer, messageId, (tx) => this.deliveries.upsertCreated(tx, rows));
  }

  async onStatusChanged(event: DeliveryStatusChanged, messageId: string): Promise<void> {
    await this.applyChanges([event], messageId, 'intake.status_changed');
  }

  /** Changes routing accepted together (a document's 01s): one transaction for all. */
  async onStatusesChanged(event: DeliveryStatusesChanged, messageId: string): Promise<void> {
    if (event.changes.length === 0) throw new PermanentMessageError('delivery.statuses_changed without changes');
    await this.applyChanges(event.changes, messageId, 'intake.statuses_changed');
  }

  private async applyChanges(changes: DeliveryStatusChanged[], messageId: string, consumer: string): Promise<void> {
    const released = await this.transactions.once(consumer, messageId, async (tx) => {
      const applied = changes.map((event) => ({
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
      }));
      await this.deliveries.applyStatuses(tx, applied);
      await this.axisStatuses.relay(tx, applied);
      const files: string[] = [];
      for (const change of applied.filter((c) => c.reportedStatus === StatusCode.RECALL_AGREED)) {
        const sender = this.directory.get(change.senderCode)?.name ?? change.senderCode;
        files.push(...(await this.deliveries.destroyRecipientCopy(tx, change.deliveryId, `Thu hồi theo yêu cầu của ${sender} (${change.occurredAt.toISOString().slice(0, 10)})`, change.occurredAt)));
      }
      return files;
    });
    await this.deleteUnreferenced(released ?? []);
  }

  async onReceiptOverdue(event: DeliveryReceiptOverdue, messageId: string): Promise<void> {
    const deadline = event.deadline ? timestampDate(event.deadline) : new Date();
    await this.transactions.once('intake.receipt_overdue', messageId, (tx) => this.deliveries.markReceiptOverdue(tx, event.deliveryId, deadline));
  }

  /**
   * A destroyed copy's file is deleted once nothing references it. Content addressing means the
   * sender's frozen copy usually still does, and then the bytes stay.
   */
  private async deleteUnreferenced(sha256s: string[]): Promise<void> {
    for (const sha256 of new Set(sha256s)) {
      const referenced = await this.db.transaction(async (tx) => (await this.documents.referencesFile(tx, sha256)) || (await this.deliveries.referencesFile(tx, sha256)));
      if (referenced) continue;
      await this.store.delete(`sha256/${sha256}`);
      this.logger.log(`deleted ${sha256}: no copy references it any more`);
    }
  }
}
