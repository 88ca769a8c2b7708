import { Injectable } from '@nestjs/common';
import { Database } from '@edoc/db';

/** One delivery as the metrics rebuild needs it: when it was made, confirmed and completed. */
export interface DeliveryLedgerRow {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  recipientCode: string;
  channel: string;
  createdAt: string;
  dueDate: string | null;
  firstReceiptAt: string | null;
  completedAt: string | null;
  status: number | null;
  statusSequence: number;
}

/** The receipt statuses: arrived (01) and accepted (03), reported by the recipient itself. */
const RECEIPT_STATUSES = [1, 3];
const COMPLETED_STATUS = 6;

/** Reads every delivery of a period with its status history folded into the times that count. */
@Injectable()
export class DeliveryLedgerRepository {
  constructor(private readonly db: Database) {}

  async list(query: { from: Date; to: Date; recipientCode?: string; limit: number }): Promise<DeliveryLedgerRow[]> {
    const { rows } = await this.db.query<{
      delivery_id: string; document_id: string; sender_code: string; recipient_code: string; channel: string; created_at: Date;
      due_date: string | null; first_receipt_at: Date | null; completed_at: Date | null; status: number | null; status_sequence: string;
    }>(
      `SELECT d.delivery_id, d.document_id, d.sender_code, d.recipient_code, d.channel, d.created_at,
              NULLIF(COALESCE(d.metadata->>'dueDate', doc.metadata->>'dueDate'), '') AS due_date,
              (SELECT min(h.occurred_at) FROM intake.status_history h
                WHERE h.delivery_id = d.delivery_id AND h.reported_by = d.recipient_code AND h.status = ANY ($4::smallint[])) AS first_receipt_at,
              (SELECT min(h.occurred_at) FROM intake.status_history h
                WHERE h.delivery_id = d.delivery_id AND h.reported_by = d.recipient_code AND h.status = $5) AS completed_at,
              d.status, d.status_sequence
       FROM intake.deliveries d LEFT JOIN intake.documents doc ON doc.document_id = d.document_id
       WHERE d.created_at >= $1 AND d.created_at < $2 AND ($3::text IS NULL OR d.recipient_code = $3)
       ORDER BY d.created_at, d.delivery_id
       LIMIT $6`,
      [query.from, query.to, query.recipientCode ?? null, RECEIPT_STATUSES, COMPLETED_STATUS, query.limit],
    );
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      documentId: r.document_id,
      senderCode: r.sender_code,
      recipientCode: r.recipient_code,
      channel: r.channel,
      createdAt: r.created_at.toISOString(),
      dueDate: r.due_date,
      firstReceiptAt: r.first_receipt_at?.toISOString() ?? null,
      completedAt: r.completed_at?.toISOString() ?? null,
      status: r.status,
      statusSequence: Number(r.status_sequence),
    }));
  }
}
