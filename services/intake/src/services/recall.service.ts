import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { StatusCode, statusCodeText, timestampFromDate } from '@edoc/contracts';
import { Database, type Tx } from '@edoc/db';
import type { Principal } from '@edoc/identity';
import { EventOutbox } from '@edoc/runtime';
import { DeliveriesRepository, type DeliveryRecord } from '../repositories/deliveries.repository';
import { DocumentsRepository } from '../repositories/documents.repository';

/** Statuses from which a recipient's copy can still be taken back (DOMAIN.md: not after 06). */
const RECALLABLE = new Set<number | null>([null, StatusCode.ARRIVED, StatusCode.ACCEPTED, StatusCode.ASSIGNED, StatusCode.IN_PROGRESS]);

export interface RecallReceipt {
  documentId: string;
  state: 'recalled';
  recalling: string[];
  kept: { recipientCode: string; status: string | null }[];
}

/**
 * The sender takes a document back (13): its own copy is frozen at once; each recipient that
 * has not completed the document is asked, and answers 14 (agree: its copy is destroyed) or 16.
 */
@Injectable()
export class RecallService {
  constructor(
    private readonly db: Database,
    private readonly documents: DocumentsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly events: EventOutbox,
  ) {}

  async recall(principal: Principal, documentId: string, reasonInput: unknown): Promise<RecallReceipt> {
    const reason = typeof reasonInput === 'string' ? reasonInput.trim() : '';
    if (reason === '') throw new BadRequestException('reason: a recall needs a reason (lý do thu hồi)');
    const doc = /^[0-9a-f-]{36}$/i.test(documentId) ? await this.documents.find(documentId) : undefined;
    if (doc === undefined || doc.issuerCode !== principal.orgCode) throw new NotFoundException(`no document ${documentId} issued by ${principal.orgCode}`);
    if (doc.state !== 'issued') throw new ConflictException(`only an issued document can be recalled; this one is ${doc.state}`);
    const { recallable, kept } = await this.split(documentId);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await this.documents.markRecalled(tx, documentId, reason, now))) throw new ConflictException(`document ${documentId} changed meanwhile; try again`);
      await this.askRecipients(tx, recallable, documentId, principal.orgCode, reason, principal.displayName, now);
    });
    return { documentId, state: 'recalled', recalling: recallable.map((d) => d.recipientCode), kept };
  }

  /**
   * A recall package from the axis for a document imported here: the outside organ, its sender,
   * asks each recipient here that has not completed it (13), as a sender of this exchange would.
   */
  async recallImported(documentId: string, senderCode: string, reason: string, handler: string, at: Date, record: (tx: Tx) => Promise<void>): Promise<Omit<RecallReceipt, 'state'>> {
    const { recallable, kept } = await this.split(documentId);
    await this.db.transaction(async (tx) => {
      await record(tx);
      await this.askRecipients(tx, recallable, documentId, senderCode, reason, handler, at);
    });
    return { documentId, recalling: recallable.map((d) => d.recipientCode), kept };
  }

  private async split(documentId: string) {
    const deliveries = await this.deliveries.listForDocument(documentId);
    const recallable = deliveries.filter((d) => RECALLABLE.has(d.status) && !d.recallPending);
    const kept = deliveries.filter((d) => !recallable.includes(d)).map((d) => ({ recipientCode: d.recipientCode, status: d.status === null ? null : statusCodeText(d.status) }));
    if (recallable.length === 0) {
      throw new ConflictException(`nothing left to recall: every recipient has completed (06), refused (02) or already answered a recall (${kept.map((k) => `${k.recipientCode} ${k.status ?? '-'}`).join(', ')})`);
    }
    return { recallable, kept };
  }

  private async askRecipients(tx: Tx, recallable: DeliveryRecord[], documentId: string, fromCode: string, reason: string, handler: string, at: Date): Promise<void> {
    for (const delivery of recallable) {
      await this.events.emit(tx, 'statusReported', {
        report: { deliveryId: delivery.deliveryId, documentId, fromCode, status: StatusCode.RECALL_REQUESTED, reason, reportedAt: timestampFromDate(at), handler },
      });
    }
  }
}
