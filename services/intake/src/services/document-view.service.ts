import { Injectable, NotFoundException } from '@nestjs/common';
import { statusCodeText, vietnamDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import type { Principal } from '@edoc/identity';
import { numberAndNotation } from '../domain/numbering';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { DocumentRecord, DocumentsRepository } from '../repositories/documents.repository';

export interface DocumentView {
  documentId: string;
  issuerCode: string;
  typeCode: string;
  subject: string;
  state: string;
  numberNotation: string | null;
  issuedDate: string | null;
  edxmlDocumentId: string | null;
  submittedAt: string;
  issuedAt: string | null;
  file: { sha256: string; size: number } | null;
  attachments: { sha256: string; size: number; fileName: string }[];
  failure: { stage: string; reason: string } | null;
  /** The signer named in the submission, who must approve it before anything is numbered. */
  signer: string;
  /** The signer's comment when the request was returned for revision. */
  returned: { by: string; comment: string; at: string } | null;
  /** The returned document this one revises, and the revision of this one. */
  revises: string | null;
  revisedBy: string | null;
  /** What intake changed or noticed in the files at the door (active content removed, damage that signing repairs). */
  notes: string[];
  deliveries: {
    deliveryId: string;
    recipientCode: string;
    recipientName: string;
    channel: string;
    status: string | null;
    recallPending: boolean;
    updatedAt: string;
    /** The recipient has not confirmed arrival (01) in time: 15 minutes for HỎA TỐC, the working day otherwise. */
    receiptOverdue: boolean;
    /** Whether the first 01 came the same Vietnam day the delivery was sent; null before any 01. */
    receiptConfirmedSameDay: boolean | null;
    history: { status: string; reason: string; reportedBy: string; occurredAt: string }[];
  }[];
}

function sameDayReceipt(sentAt: Date, history: { status: number; occurredAt: Date }[]): boolean | null {
  const arrival = history.find((h) => h.status === 1 || h.status === 3);
  return arrival === undefined ? null : vietnamDate(arrival.occurredAt) === vietnamDate(sentAt);
}

/** What the issuing unit sees of its documents and of each recipient's status. */
@Injectable()
export class DocumentViewService {
  constructor(
    private readonly db: Database,
    private readonly documents: DocumentsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly directory: Directory,
  ) {}

  async list(principal: Principal, limit = 100): Promise<Omit<DocumentView, 'deliveries'>[]> {
    const records = await this.documents.listByIssuer(principal.orgCode, limit);
    return records.map((record) => this.summary(record));
  }

  async get(principal: Principal, documentId: string): Promise<DocumentView> {
    const record = /^[0-9a-f-]{36}$/i.test(documentId) ? await this.documents.find(documentId) : undefined;
    if (record === undefined || (record.issuerCode !== principal.orgCode && !principal.roles.includes('admin'))) {
      throw new NotFoundException(`no document ${documentId} issued by ${principal.orgCode}`);
    }
    // One snapshot for states and histories: read apart, a change landing between the two reads
    // showed a history that already held a 16 beside the state from before it.
    const { deliveries, history } = await this.db.transaction(
      async (tx) => {
        const deliveries = await this.deliveries.listForDocument(documentId, tx);
        return { deliveries, history: await this.deliveries.history(deliveries.map((d) => d.deliveryId), tx) };
      },
      { isolation: 'repeatable read' },
    );
    return {
      ...this.summary(record),
      deliveries: deliveries.map((d) => ({
        deliveryId: d.deliveryId,
        recipientCode: d.recipientCode,
        recipientName: this.directory.get(d.recipientCode)?.name ?? d.recipientCode,
        channel: d.channel,
        status: d.status === null ? null : statusCodeText(d.status),
        recallPending: d.recallPending,
        updatedAt: d.updatedAt.toISOString(),
        receiptOverdue: d.receiptOverdueAt !== null && d.status === null,
        receiptConfirmedSameDay: sameDayReceipt(d.createdAt, history.get(d.deliveryId) ?? []),
        history: (history.get(d.deliveryId) ?? []).map((h) => ({ status: statusCodeText(h.status), reason: h.reason, reportedBy: h.reportedBy, occurredAt: h.occurredAt.toISOString() })),
      })),
    };
  }

  private summary(record: DocumentRecord): Omit<DocumentView, 'deliveries'> {
    const issued = record.issuedFile;
    return {
      documentId: record.documentId,
      issuerCode: record.issuerCode,
      typeCode: record.metadata.typeCode,
      subject: record.metadata.subject,
      state: record.state,
      numberNotation: record.number === null || record.notation === null ? null : numberAndNotation(record.number, record.notation),
      issuedDate: record.issuedDate,
      edxmlDocumentId: record.metadata.edxmlDocumentId || null,
      submittedAt: record.submittedAt.toISOString(),
      issuedAt: record.issuedAt?.toISOString() ?? null,
      file: issued === null ? null : { sha256: issued.sha256, size: Number(issued.size) },
      attachments: record.issuedAttachments.map((a) => ({ sha256: a.sha256, size: Number(a.size), fileName: a.fileName })),
      failure: record.failureStage === null ? null : { stage: record.failureStage, reason: record.failureReason ?? '' },
      notes: record.preflightNotes,
      signer: record.metadata.signer?.userId ?? '',
      returned: record.returned === null ? null : { ...record.returned, at: record.returned.at.toISOString() },
      revises: record.revises,
      revisedBy: record.revisedBy,
    };
  }
}
