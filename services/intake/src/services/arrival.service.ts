import { Inject, Injectable } from '@nestjs/common';
import { Delivery, Medium, RegisterBook, StatusCode, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { EventOutbox, OBJECT_STORE } from '@edoc/runtime';
import type { ObjectStore } from '@edoc/storage';
import { numberAndNotation } from '../domain/numbering';
import { vietnamYear } from '@edoc/contracts';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { RegistersRepository } from '../repositories/registers.repository';

/**
 * A delivery reaches a unit that uses edoc's own inbox: it is entered in the unit's incoming
 * register (arrival numbers are shared with paper documents) and status 01 goes back to the
 * sender at once, as Decision 28/2018 asks.
 */
@Injectable()
export class ArrivalService {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly deliveries: DeliveriesRepository,
    private readonly registers: RegistersRepository,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async onDelivery(delivery: Delivery, messageId: string): Promise<void> {
    const recipient = this.directory.get(delivery.recipientCode);
    if (recipient === undefined) throw new PermanentMessageError(`delivery ${delivery.deliveryId} for unknown organisation ${delivery.recipientCode}`);
    if (delivery.metadata === undefined || delivery.file === undefined) throw new PermanentMessageError(`delivery ${delivery.deliveryId} lacks metadata or file`);
    const stat = await this.store.stat(delivery.file.objectKey);
    if (stat === undefined) throw new PermanentMessageError(`delivery ${delivery.deliveryId}: claim check points at a missing object ${delivery.file.objectKey}`);
    if (BigInt(stat.size) !== delivery.file.size) {
      throw new PermanentMessageError(`delivery ${delivery.deliveryId}: object ${delivery.file.objectKey} has ${stat.size} bytes, the claim check says ${delivery.file.size}`);
    }

    const metadata = delivery.metadata;
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.arrival'))) return;
      if (await this.deliveries.hasArrived(tx, delivery.deliveryId)) return;
      const now = new Date();
      const year = vietnamYear(now);
      const number = await this.registers.takeNextNumber(tx, recipient.code, 'incoming', year, 'normal');
      const sender = this.directory.get(delivery.senderCode);
      const entry = await this.registers.insert(tx, {
        orgCode: recipient.code,
        book: 'incoming',
        year,
        series: 'normal',
        number,
        medium: 'electronic',
        documentId: delivery.documentId,
        deliveryId: delivery.deliveryId,
        numberNotation: numberAndNotation(metadata.number, metadata.notation),
        documentDate: metadata.issuedDate,
        typeCode: metadata.typeCode,
        subject: metadata.subject,
        counterpart: sender === undefined ? delivery.senderCode : `${sender.code} ${sender.name}`,
        dueDate: metadata.dueDate,
        recordedAt: now,
      });
      await this.deliveries.recordArrival(tx, {
        deliveryId: delivery.deliveryId,
        documentId: delivery.documentId,
        senderCode: delivery.senderCode,
        recipientCode: recipient.code,
        metadata,
        file: delivery.file!,
        attachments: delivery.attachments,
        arrivedAt: now,
        entryId: entry.entryId,
      });
      await this.events.emit(tx, 'statusReported', {
        report: { deliveryId: delivery.deliveryId, documentId: delivery.documentId, fromCode: recipient.code, status: StatusCode.ARRIVED, reportedAt: timestampFromDate(now), handler: 'edoc built-in inbox' },
      });
      await this.events.emit(tx, 'registerEntryRecorded', {
        entryId: entry.entryId,
        orgCode: recipient.code,
        book: RegisterBook.INCOMING,
        year,
        number,
        medium: Medium.ELECTRONIC,
        documentId: delivery.documentId,
        typeCode: metadata.typeCode,
        subject: metadata.subject,
        counterpartCode: delivery.senderCode,
        dueDate: metadata.dueDate,
        routine: true,
        recordedAt: timestampFromDate(now),
      });
    });
  }
}
