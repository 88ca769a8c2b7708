import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliveryCreated, DeliveryReceiptOverdue, DeliveryStatusChanged, StatusCode, timestampDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { OBJECT_STORE } from '@edoc/runtime';
import type { ObjectStore } from '@edoc/storage';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { DocumentsRepository } from '../repositories/documents.repository';

/** Projects routing's events into the sender's view of each recipient. */
@Injectable()
export class DeliveryViewService {
  private readonly logger = new Logger(DeliveryViewService.name);

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly deliveries: DeliveriesRepository,
    private readonly documents: DocumentsRepository,
    private readonly directory: Directory,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
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
    const reported = event.reportedStatus === StatusCode.UNSPECIFIED ? event.status : event.reportedStatus;
    const occurredAt = event.occurredAt ? timestampDate(event.occurredAt) : new Date();
    const released = await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.status_changed'))) return [];
      await this.deliveries.applyStatus(tx, {
        deliveryId: event.deliveryId,
        documentId: event.documentId,
        senderCode: event.senderCode,
        recipientCode: event.recipientCode,
        status: event.status,
        recallPending: event.recallPending,
        sequence: event.sequence,
        reportedStatus: reported,
        reason: event.reason,
        reportedBy: event.reportedBy,
        occurredAt,
      });
      if (reported !== StatusCode.RECALL_AGREED) return [];
      const sender = this.directory.get(event.senderCode)?.name ?? event.senderCode;
      return this.deliveries.destroyRecipientCopy(tx, event.deliveryId, `Thu hồi theo yêu cầu của ${sender} (${occurredAt.toISOString().slice(0, 10)})`, occurredAt);
    });
    await this.deleteUnreferenced(released);
  }

  async onReceiptOverdue(event: DeliveryReceiptOverdue, messageId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.receipt_overdue'))) return;
      await this.deliveries.markReceiptOverdue(tx, event.deliveryId, event.deadline ? timestampDate(event.deadline) : new Date());
    });
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
