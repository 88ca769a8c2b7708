import { randomUUID } from 'node:crypto';
import { BusinessType, fromBinary, ReportRefusedSchema, StatusCode, type Delivery, type FileRef, type ReportRefused } from '@edoc/contracts';
import { decodeDelivery, journalKey, type IncomingMessage } from './decode-delivery';
import type { DeliveryJournal, JournalEntry } from './delivery-journal';
import { RejectDeliveryError } from './errors';
import { verifyFile } from './file-check';
import type { FileSource } from './file-source';
import type { StatusSink } from './status-report';

/** A delivery with its files fetched and checked against their claim checks. */
export interface ReceivedDocument {
  delivery: Delivery;
  messageId: string | undefined;
  urgent: boolean;
  /** The issued PDF; its size and SHA-256 match `delivery.file`. */
  file: Buffer;
  attachments: { ref: FileRef; bytes: Buffer }[];
}

/**
 * Takes a document into the ward's own system. Resolve only once it is stored safely; throw
 * RejectDeliveryError for a document that can never be taken in, anything else to be called
 * again later. It may be called again for the same delivery if the process dies before the
 * journal records that it returned, so it should be idempotent by `delivery.deliveryId`.
 */
export type DeliveryHandler = (document: ReceivedDocument) => Promise<void>;

/** What to do with the message, and why. */
export type ProcessOutcome =
  | { action: 'ack'; kind: 'delivered'; delivery: Delivery; messageId: string | undefined; urgent: boolean; resumed: boolean; arrivedReportId: string | undefined }
  | { action: 'ack'; kind: 'duplicate'; delivery: Delivery; messageId: string | undefined; urgent: boolean }
  | { action: 'ack'; kind: 'report-refused'; refusal: ReportRefused; messageId: string | undefined; urgent: boolean }
  | { action: 'reject'; reason: string; delivery?: Delivery; messageId: string | undefined; urgent: boolean }
  | { action: 'retry'; reason: string; delivery?: Delivery; messageId: string | undefined; urgent: boolean };

export interface DeliveryProcessorDeps {
  /** The ward's own organisation code. */
  code: string;
  files: FileSource;
  journal: DeliveryJournal;
  status: StatusSink;
  handler: DeliveryHandler;
  now?: () => Date;
}

/**
 * The ward's side of one delivery, in the order that makes it safe: check the message, drop it if
 * the journal has it, fetch and check every file, hand the document to the handler, record
 * "stored", report 01 and wait for the broker's confirm, record "reported", and only then ack.
 * A crash at any point leaves the message unacked, and the journal makes the redelivery resume
 * where it stopped instead of storing the document twice.
 */
export class DeliveryProcessor {
  constructor(private readonly deps: DeliveryProcessorDeps) {}

  async process(message: IncomingMessage): Promise<ProcessOutcome> {
    const { messageId, urgent } = message;
    if (message.type === ReportRefusedSchema.typeName) return refusalOutcome(message, this.deps.code);
    const decoded = decodeDelivery(message, this.deps.code);
    if (!decoded.ok) return { action: 'reject', reason: decoded.reason, delivery: decoded.delivery, messageId, urgent };
    const delivery = decoded.delivery;
    const key = journalKey(delivery);
    const known = this.deps.journal.get(key) ?? (messageId === undefined ? undefined : this.deps.journal.byMessageId(messageId));

    if (known?.state === 'reported') {
      await this.noteMessageId(known, messageId).catch(() => undefined);
      // The same 01 again, under its first message id: edoc drops it if it has it, and takes it if
      // it does not (restored from a backup taken before the report arrived, the very case in
      // which a delivery comes again).
      if (delivery.businessType !== BusinessType.RECALL && known.arrivedReportId !== undefined) {
        try {
          await this.deps.status.report({ deliveryId: delivery.deliveryId, documentId: delivery.documentId, status: StatusCode.ARRIVED, messageId: known.arrivedReportId });
        } catch (error) {
          return { action: 'retry', reason: `the repeated 01 report was not confirmed: ${messageOf(error)}`, delivery, messageId, urgent };
        }
      }
      return { action: 'ack', kind: 'duplicate', delivery, messageId, urgent };
    }

    let entry = known;
    if (entry === undefined) {
      let document: ReceivedDocument;
      try {
        document = { delivery, messageId, urgent, file: await this.fetchChecked(delivery, delivery.file!, 'document file'), attachments: [] };
        for (const [index, ref] of delivery.attachments.entries()) {
          document.attachments.push({ ref, bytes: await this.fetchChecked(delivery, ref, `attachment ${index + 1}`) });
        }
      } catch (error) {
        return { action: 'retry', reason: messageOf(error), delivery, messageId, urgent };
      }
      try {
        await this.deps.handler(document);
      } catch (error) {
        if (error instanceof RejectDeliveryError) return { action: 'reject', reason: `refused by the ward's handler: ${error.message}`, delivery, messageId, urgent };
        return { action: 'retry', reason: `the ward's handler failed: ${messageOf(error)}`, delivery, messageId, urgent };
      }
      entry = {
        key,
        deliveryId: delivery.deliveryId,
        documentId: delivery.documentId,
        state: 'stored',
        messageIds: messageId === undefined ? [] : [messageId],
        arrivedReportId: randomUUID(),
        updatedAt: this.now().toISOString(),
      };
      try {
        await this.deps.journal.put(entry);
      } catch (error) {
        return { action: 'retry', reason: `the journal could not record the stored document: ${messageOf(error)}`, delivery, messageId, urgent };
      }
    }

    // A recall travels as a status (13), not as a document that arrives: nothing to report 01 for.
    const reportsArrival = delivery.businessType !== BusinessType.RECALL;
    if (reportsArrival) {
      try {
        await this.deps.status.report({ deliveryId: delivery.deliveryId, documentId: delivery.documentId, status: StatusCode.ARRIVED, messageId: entry.arrivedReportId });
      } catch (error) {
        return { action: 'retry', reason: `the 01 report was not confirmed: ${messageOf(error)}`, delivery, messageId, urgent };
      }
    }
    const messageIds = messageId === undefined || entry.messageIds.includes(messageId) ? entry.messageIds : [...entry.messageIds, messageId];
    try {
      await this.deps.journal.put({ ...entry, state: 'reported', messageIds, updatedAt: this.now().toISOString() });
    } catch (error) {
      return { action: 'retry', reason: `the journal could not record the 01 report: ${messageOf(error)}`, delivery, messageId, urgent };
    }
    return { action: 'ack', kind: 'delivered', delivery, messageId, urgent, resumed: known !== undefined, arrivedReportId: reportsArrival ? entry.arrivedReportId : undefined };
  }

  private async fetchChecked(delivery: Delivery, ref: FileRef, what: string): Promise<Buffer> {
    const bytes = await this.deps.files.fetch(delivery.downloadPath, ref);
    verifyFile(ref, bytes, `delivery ${delivery.deliveryId}, ${what}`);
    return bytes;
  }

  private async noteMessageId(entry: JournalEntry, messageId: string | undefined): Promise<void> {
    if (messageId === undefined || entry.messageIds.includes(messageId)) return;
    await this.deps.journal.put({ ...entry, messageIds: [...entry.messageIds, messageId], updatedAt: this.now().toISOString() });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** edoc refused one of our reports: nothing to store or report, only to tell whoever runs the ward. */
function refusalOutcome(message: IncomingMessage, ownCode: string): ProcessOutcome {
  const { messageId, urgent } = message;
  let refusal: ReportRefused;
  try {
    refusal = fromBinary(ReportRefusedSchema, message.content);
  } catch (error) {
    return { action: 'reject', reason: `the body is not a protobuf ${ReportRefusedSchema.typeName}: ${messageOf(error)}`, messageId, urgent };
  }
  if (refusal.fromCode !== ownCode) return { action: 'reject', reason: `a refusal of a report from ${refusal.fromCode || '(nobody)'}, not from ${ownCode}`, messageId, urgent };
  return { action: 'ack', kind: 'report-refused', refusal, messageId, urgent };
}
