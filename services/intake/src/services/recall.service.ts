import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { StatusCode, statusCodeText, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import type { Principal } from '@edoc/identity';
import { EventOutbox } from '@edoc/runtime';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
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
    const deliveries = await this.deliveries.listForDocument(documentId);
    const recallable = deliveries.filter((d) => RECALLABLE.has(d.status) && !d.recallPending);
    const kept = deliveries.filter((d) => !recallable.includes(d)).map((d) => ({ recipientCode: d.recipientCode, status: d.status === null ? null : statusCodeText(d.status) }));
    if (recallable.length === 0) {
      throw new ConflictException(`nothing left to recall: every recipient has completed (06), refused (02) or already answered a recall (${kept.map((k) => `${k.recipientCode} ${k.status ?? '-'}`).join(', ')})`);
    }
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await this.documents.markRecalled(tx, documentId, reason, now))) throw new ConflictException(`document ${documentId} changed meanwhile; try again`);
      for (const delivery of recallable) {
        await this.events.emit(tx, 'statusReported', {
          report: { deliveryId: delivery.deliveryId, documentId, fromCode: principal.orgCode, status: StatusCode.RECALL_REQUESTED, reason, reportedAt: timestampFromDate(now), handler: principal.displayName },
        });
      }
    });
    return { documentId, state: 'recalled', recalling: recallable.map((d) => d.recipientCode), kept };
  }
}
