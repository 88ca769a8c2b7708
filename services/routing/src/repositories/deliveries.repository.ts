import type { DeliveryChannel } from '@edoc/directory';
import { Injectable } from '@nestjs/common';
import { fromJson, JsonValue, toJson } from '@bufbuild/protobuf';
import { DocumentMetadata, DocumentMetadataSchema, FileRef, FileRefSchema, StatusCode } from '@edoc/contracts';
import { Queryable } from '@edoc/db';

export interface RoutedDelivery {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  recipientCode: string;
  channel: DeliveryChannel;
  status: StatusCode | undefined;
  recallFrom: StatusCode | undefined;
  recallPending: boolean;
}

interface DeliveryRow {
  delivery_id: string;
  document_id: string;
  sender_code: string;
  recipient_code: string;
  channel: DeliveryChannel;
  status: number | null;
  recall_from: number | null;
  recall_pending: boolean;
}

export interface OverdueReceipt {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  recipientCode: string;
  priority: number;
  createdAt: Date;
  deadline: Date;
}

/** Deliveries and their status history: routing is the owner of every delivery's state. */
@Injectable()
export class RoutingRepository {
  /** False when the document was already routed (a redelivered document.issued). */
  async insertDocument(tx: Queryable, doc: { metadata: DocumentMetadata; file: FileRef; attachments: FileRef[]; issuedAt: Date }): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO routing.documents (document_id, sender_code, metadata, file, attachments, priority, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (document_id) DO NOTHING`,
      [
        doc.metadata.documentId, doc.metadata.issuerCode, toJson(DocumentMetadataSchema, doc.metadata), toJson(FileRefSchema, doc.file),
        JSON.stringify(doc.attachments.map((a) => toJson(FileRefSchema, a))), doc.metadata.priority, doc.issuedAt,
      ],
    );
    return rowCount === 1;
  }

  /** A document's deliveries in one statement. */
  async insertDeliveries(tx: Queryable, rows: { deliveryId: string; documentId: string; recipientCode: string; channel: DeliveryChannel; receiptDeadline: Date }[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO routing.deliveries (delivery_id, document_id, recipient_code, channel, receipt_deadline)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])`,
      [rows.map((d) => d.deliveryId), rows.map((d) => d.documentId), rows.map((d) => d.recipientCode), rows.map((d) => d.channel), rows.map((d) => d.receiptDeadline)],
    );
  }

  /** Deliveries still without any status whose receipt deadline has passed and that were not raised yet. */
  async overdueReceipts(tx: Queryable, now: Date, limit: number): Promise<OverdueReceipt[]> {
    const { rows } = await tx.query<{ delivery_id: string; document_id: string; sender_code: string; recipient_code: string; priority: number; created_at: Date; receipt_deadline: Date }>(
      `SELECT d.delivery_id, d.document_id, doc.sender_code, d.recipient_code, doc.priority, d.created_at, d.receipt_deadline
       FROM routing.deliveries d JOIN routing.documents doc USING (document_id)
       WHERE d.status IS NULL AND d.receipt_alerted_at IS NULL AND d.receipt_deadline < $1
       ORDER BY d.receipt_deadline LIMIT $2 FOR UPDATE OF d SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((r) => ({ deliveryId: r.delivery_id, documentId: r.document_id, senderCode: r.sender_code, recipientCode: r.recipient_code, priority: r.priority, createdAt: r.created_at, deadline: r.receipt_deadline }));
  }

  async markReceiptAlerted(tx: Queryable, deliveryId: string, at: Date): Promise<void> {
    await tx.query(`UPDATE routing.deliveries SET receipt_alerted_at = $2 WHERE delivery_id = $1`, [deliveryId, at]);
  }

  async documentMetadata(tx: Queryable, documentId: string): Promise<DocumentMetadata> {
    const { rows } = await tx.query<{ metadata: JsonValue }>(`SELECT metadata FROM routing.documents WHERE document_id = $1`, [documentId]);
    return fromJson(DocumentMetadataSchema, rows[0].metadata);
  }

  /**
   * The deliveries, locked until the transaction ends: reports on one delivery are applied one at a
   * time. Locked in id order, as every caller does, so two transactions never wait for each other.
   */
  async lockAll(tx: Queryable, deliveryIds: readonly string[]): Promise<Map<string, RoutedDelivery>> {
    const { rows } = await tx.query<DeliveryRow>(
      `SELECT d.delivery_id, d.document_id, doc.sender_code, d.recipient_code, d.channel, d.status, d.recall_from, d.recall_pending
       FROM routing.deliveries d JOIN routing.documents doc USING (document_id) WHERE d.delivery_id = ANY($1::uuid[])
       ORDER BY d.delivery_id FOR UPDATE OF d`,
      [deliveryIds],
    );
    return new Map(
      rows.map((row) => [
        row.delivery_id,
        {
          deliveryId: row.delivery_id,
          documentId: row.document_id,
          senderCode: row.sender_code,
          recipientCode: row.recipient_code,
          channel: row.channel,
          status: row.status ?? undefined,
          recallFrom: row.recall_from ?? undefined,
          recallPending: row.recall_pending,
        },
      ]),
    );
  }

  /**
   * Stores each delivery's new state and appends the reports, in one round trip; returns each
   * report's sequence number, in order. A delivery may appear more than once: its last state wins.
   */
  async recordStatuses(
    tx: Queryable,
    changes: readonly { deliveryId: string; status: StatusCode | undefined; recallFrom: StatusCode | undefined; recallPending: boolean; reported: StatusCode; reason: string; reportedBy: string; occurredAt: Date }[],
  ): Promise<bigint[]> {
    const finalStates = [...new Map(changes.map((c) => [c.deliveryId, c])).values()];
    const { rows } = await tx.query<{ id: string; position: string }>(
      `WITH states AS (
         UPDATE routing.deliveries d SET status = s.status, recall_from = s.recall_from, recall_pending = s.recall_pending, updated_at = now()
         FROM unnest($1::uuid[], $2::smallint[], $3::smallint[], $4::boolean[]) AS s(delivery_id, status, recall_from, recall_pending)
         WHERE d.delivery_id = s.delivery_id
       ), reports AS (
         SELECT * FROM unnest($5::uuid[], $6::smallint[], $7::text[], $8::text[], $9::timestamptz[]) WITH ORDINALITY AS r(delivery_id, status, reason, reported_by, occurred_at, position)
       ), inserted AS (
         INSERT INTO routing.status_history (delivery_id, status, reason, reported_by, occurred_at)
         SELECT delivery_id, status, reason, reported_by, occurred_at FROM reports ORDER BY position
         RETURNING id
       )
       SELECT id, row_number() OVER (ORDER BY id) AS position FROM inserted ORDER BY id`,
      [
        finalStates.map((c) => c.deliveryId), finalStates.map((c) => c.status ?? null), finalStates.map((c) => c.recallFrom ?? null), finalStates.map((c) => c.recallPending),
        changes.map((c) => c.deliveryId), changes.map((c) => c.reported), changes.map((c) => c.reason), changes.map((c) => c.reportedBy), changes.map((c) => c.occurredAt),
      ],
    );
    // Ids come from one sequence in insertion order, which is the reports' order.
    return rows.map((row) => BigInt(row.id));
  }
}
