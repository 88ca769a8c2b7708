import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { BuiltinDeliveries, Delivery, DocumentMetadata, FileRef, Medium, RegisterBook, StatusCode, timestampFromDate } from '@edoc/contracts';
import { Database, GroupCommit, together, type Tx } from '@edoc/db';
import { Directory, type Organisation } from '@edoc/directory';
import { Inbox, MESSAGE_BATCH_LINGER_MS, PermanentMessageError } from '@edoc/messaging';
import { type AnyEvent, EventOutbox, OBJECT_STORE } from '@edoc/runtime';
import type { ObjectStore } from '@edoc/storage';
import { numberAndNotation } from '../domain/numbering';
import { isUuid } from '../domain/uuid';
import { vietnamYear } from '@edoc/contracts';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import type { RegisterEntry } from '../repositories/registers.repository';
import { RegistersRepository } from '../repositories/registers.repository';

/**
 * Arrival messages handled at the same moment share one transaction. Each takes the next numbers
 * of its recipients' incoming registers and holds those counters' locks until it commits, and a
 * district's documents mostly go to the same wards, so one transaction per message made every
 * arrival in the district wait for the one before it (the lock, then the commit's flush).
 */
const ARRIVAL_BATCH = 16;

/**
 * A delivery reaches a unit that uses edoc's own inbox: it is entered in the unit's incoming
 * register (arrival numbers are shared with paper documents) and status 01 goes back to the
 * sender at once, as Decision 28/2018 asks.
 */
@Injectable()
export class ArrivalService {
  private readonly batches = new GroupCommit<ArrivalMessage, void>((messages) => this.enterTogether(messages), { maxBatch: ARRIVAL_BATCH, lingerMs: MESSAGE_BATCH_LINGER_MS });

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly deliveries: DeliveriesRepository,
    private readonly registers: RegistersRepository,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  /** One delivery (how routing sent them before it sent a document's built-in deliveries together). */
  async onDelivery(delivery: Delivery, messageId: string): Promise<void> {
    await this.arrive([delivery], messageId, 'intake.arrival');
  }

  /** A document's deliveries to built-in units: all entered in one transaction, their 01s in one message. */
  async onBuiltinDeliveries(batch: BuiltinDeliveries, messageId: string): Promise<void> {
    if (batch.deliveries.length === 0) throw new PermanentMessageError('deliveries.builtin without deliveries');
    await this.arrive(batch.deliveries, messageId, 'intake.arrivals');
  }

  private async arrive(deliveries: Delivery[], messageId: string, consumer: string): Promise<void> {
    const arrivals = deliveries.map((delivery) => this.checked(delivery));
    const twice = arrivals.find((arrival, index) => arrivals.findIndex((other) => other.recipient.code === arrival.recipient.code) !== index);
    if (twice !== undefined) throw new PermanentMessageError(`deliveries of document ${twice.delivery.documentId} name ${twice.recipient.code} twice`);
    await this.checkFiles(arrivals);
    await this.batches.submit({ messageId, consumer, arrivals });
  }

  /**
   * Enters the arrivals of several messages in one transaction: one claim, one take of numbers, one
   * insert of each kind and one of the announcements for them all. A message seen before, or a
   * delivery that arrived before (in an earlier message or earlier in this batch), enters nothing.
   * When the transaction fails, GroupCommit enters each message again alone.
   */
  private async enterTogether(messages: ArrivalMessage[]): Promise<void[]> {
    await this.db.transaction(async (tx) => {
      // The claims and the question which deliveries arrived before leave together, a round trip fewer.
      const [claimed, seen] = await together(
        this.inbox.claimEach(tx, messages),
        this.deliveries.arrivedAmong(tx, messages.flatMap((message) => message.arrivals.map((a) => a.delivery.deliveryId))),
      );
      const claimedMessages = messages.filter((_, index) => claimed[index]);
      if (claimedMessages.length === 0) return;
      const firstArrival = (arrival: Arrival) => {
        if (seen.has(arrival.delivery.deliveryId)) return false;
        seen.add(arrival.delivery.deliveryId);
        return true;
      };
      const fresh = claimedMessages.map((message) => message.arrivals.filter(firstArrival)).filter((arrivals) => arrivals.length > 0);
      if (fresh.length === 0) return;
      const recorded = await this.enter(tx, fresh.flat(), new Date());
      let next = 0;
      await this.events.emitAll(tx, fresh.flatMap((arrivals) => announcements(recorded.slice(next, (next += arrivals.length)))));
    });
    return messages.map(() => undefined);
  }

  /** A delivery this service can enter, or the reason it never can. */
  private checked(delivery: Delivery): Arrival {
    if (!isUuid(delivery.deliveryId) || !isUuid(delivery.documentId)) {
      throw new PermanentMessageError(`delivery "${delivery.deliveryId}" of document "${delivery.documentId}": not a UUID`);
    }
    const recipient = this.directory.get(delivery.recipientCode);
    if (recipient === undefined) throw new PermanentMessageError(`delivery ${delivery.deliveryId} for unknown organisation ${delivery.recipientCode}`);
    if (recipient.channel === 'queue') throw new PermanentMessageError(`delivery ${delivery.deliveryId}: ${recipient.code} runs its own ward system; its deliveries go to its own queue, not to the built-in inbox`);
    if (delivery.metadata === undefined || delivery.file === undefined) throw new PermanentMessageError(`delivery ${delivery.deliveryId} lacks metadata or file`);
    return { delivery, recipient, metadata: delivery.metadata, file: delivery.file };
  }

  /** Each claim check points at an object of the size it says; a document's recipients share one file, asked for once. */
  private async checkFiles(arrivals: Arrival[]): Promise<void> {
    const sizes = new Map<string, number | undefined>();
    for (const { delivery, file } of arrivals) {
      if (!sizes.has(file.objectKey)) sizes.set(file.objectKey, (await this.store.stat(file.objectKey))?.size);
      const size = sizes.get(file.objectKey);
      if (size === undefined) throw new PermanentMessageError(`delivery ${delivery.deliveryId}: claim check points at a missing object ${file.objectKey}`);
      if (BigInt(size) !== file.size) {
        throw new PermanentMessageError(`delivery ${delivery.deliveryId}: object ${file.objectKey} has ${size} bytes, the claim check says ${file.size}`);
      }
    }
  }

  /**
   * Enters the arrivals in their recipients' incoming registers and inboxes: a statement for all of
   * them at each step, not one each. Returns the 01 and the register entry of each, to announce.
   */
  private async enter(tx: Tx, arrivals: Arrival[], now: Date) {
    const year = vietnamYear(now);
    const numbers = await this.registers.takeNumbers(tx, arrivals.map((a) => a.recipient.code), 'incoming', year, 'normal');
    // The entries' ids are made here, so that the deliveries naming them go with the entries' insert.
    const entryIds = arrivals.map(() => randomUUID());
    const written = this.registers.insertAll(
      tx,
      arrivals.map(({ delivery, recipient, metadata }, index) => {
        const sender = this.directory.get(delivery.senderCode);
        return {
          entryId: entryIds[index] as string,
          orgCode: recipient.code,
          book: 'incoming' as const,
          year,
          series: 'normal' as const,
          number: numbers[index] as number,
          medium: 'electronic' as const,
          documentId: delivery.documentId,
          deliveryId: delivery.deliveryId,
          numberNotation: numberAndNotation(metadata.number, metadata.notation),
          documentDate: metadata.issuedDate,
          typeCode: metadata.typeCode,
          subject: metadata.subject,
          counterpart: sender === undefined ? delivery.senderCode : `${sender.code} ${sender.name}`,
          dueDate: metadata.dueDate,
          recordedAt: now,
        };
      }),
    );
    const recorded = this.deliveries.recordArrivals(
      tx,
      arrivals.map(({ delivery, recipient, metadata, file }, index) => ({
        deliveryId: delivery.deliveryId,
        documentId: delivery.documentId,
        senderCode: delivery.senderCode,
        recipientCode: recipient.code,
        metadata,
        file,
        attachments: delivery.attachments,
        arrivedAt: now,
        entryId: entryIds[index] as string,
      })),
    );
    const [entries] = await together(written, recorded);
    return arrivals.map(({ delivery, recipient, metadata }, index) => ({
      report: { deliveryId: delivery.deliveryId, documentId: delivery.documentId, fromCode: recipient.code, status: StatusCode.ARRIVED, reportedAt: timestampFromDate(now), handler: 'edoc built-in inbox' },
      entry: {
        entryId: (entries[index] as RegisterEntry).entryId,
        orgCode: recipient.code,
        book: RegisterBook.INCOMING,
        year,
        number: numbers[index] as number,
        medium: Medium.ELECTRONIC,
        documentId: delivery.documentId,
        typeCode: metadata.typeCode,
        subject: metadata.subject,
        counterpartCode: delivery.senderCode,
        dueDate: metadata.dueDate,
        routine: true,
        recordedAt: timestampFromDate(now),
      },
    }));
  }
}

type StatusReportInit = NonNullable<Extract<AnyEvent, { name: 'statusReported' }>['init']['report']>;
type RegisterEntryInit = Extract<AnyEvent, { name: 'registerEntryRecorded' }>['init'];

/** What one document's arrivals announce: their 01s and register entries, as one event each or, for several, one event of all. */
function announcements(recorded: { report: StatusReportInit; entry: RegisterEntryInit }[]): AnyEvent[] {
  if (recorded.length === 1) {
    const [{ report, entry }] = recorded as [{ report: StatusReportInit; entry: RegisterEntryInit }];
    return [{ name: 'statusReported', init: { report } }, { name: 'registerEntryRecorded', init: entry }];
  }
  return [
    { name: 'statusesReported', init: { reports: recorded.map((r) => r.report) } },
    { name: 'registerEntriesRecorded', init: { entries: recorded.map((r) => r.entry) } },
  ];
}

interface ArrivalMessage {
  messageId: string;
  consumer: string;
  arrivals: Arrival[];
}

interface Arrival {
  delivery: Delivery;
  recipient: Organisation;
  metadata: DocumentMetadata;
  file: FileRef;
}
