import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '@edoc/db';
import { DocumentMetadata, DocumentMetadataSchema, FileRef, FileRefSchema, fromJson, JsonValue, toJson } from '../proto-json';

export interface DeliveryRecord {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  recipientCode: string;
  channel: string;
  status: number | null;
  recallPending: boolean;
  metadata: DocumentMetadata | null;
  file: FileRef | null;
  attachments: FileRef[];
  arrivedAt: Date | null;
  arrivalNumber: number | null;
  updatedAt: Date;
  createdAt: Date;
  receiptOverdueAt: Date | null;
  copyDestroyedAt: Date | null;
}

export interface StatusHistoryEntry {
  status: number;
  reason: string;
  reportedBy: string;
  occurredAt: Date;
}

interface DeliveryRow {
  delivery_id: string;
  document_id: string;
  sender_code: string;
  recipient_code: string;
  channel: string;
  status: number | null;
  recall_pending: boolean;
  metadata: JsonValue | null;
  file: JsonValue | null;
  attachments: JsonValue[] | null;
  arrived_at: Date | null;
  arrival_number: number | null;
  updated_at: Date;
  created_at: Date;
  receipt_overdue_at: Date | null;
  recipient_copy_destroyed_at: Date | null;
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    deliveryId: row.delivery_id,
    documentId: row.document_id,
    senderCode: row.sender_code,
    recipientCode: row.recipient_code,
    channel: row.channel,
    status: row.status,
    recallPending: row.recall_pending,
    metadata: row.metadata === null ? null : fromJson(DocumentMetadataSchema, row.metadata),
    file: row.file === null ? null : fromJson(FileRefSchema, row.file),
    attachments: (row.attachments ?? []).map((a) => fromJson(FileRefSchema, a)),
    arrivedAt: row.arrived_at,
    arrivalNumber: row.arrival_number,
    updatedAt: row.updated_at,
    createdAt: row.created_at,
    receiptOverdueAt: row.receipt_overdue_at,
    copyDestroyedAt: row.recipient_copy_destroyed_at,
  };
}

const SELECT = `SELECT d.delivery_id, d.document_id, d.sender_code, d.recipient_code, d.channel, d.status, d.recall_pending, d.metadata, d.file,
  d.attachments, d.arrived_at, e.number AS arrival_number, d.updated_at, d.created_at, d.receipt_overdue_at, d.recipient_copy_destroyed_at
  FROM intake.deliveries d LEFT JOIN intake.register_entries e ON e.entry_id = d.incoming_entry_id`;

/**
 * Every delivery as intake sees it: for the sender, each recipient's status; for a recipient on
 * the built-in inbox, the document itself. Events may arrive in any order, so each writer
 * upserts only the columns it knows.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly db: Database) {}

  /** Several deliveries in one statement (a document's recipients arrive together). */
  async upsertCreated(tx: Queryable, rows: { deliveryId: string; documentId: string; senderCode: string; recipientCode: string; channel: string; createdAt: Date }[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO intake.deliveries (delivery_id, document_id, sender_code, recipient_code, channel, created_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
       ON CONFLICT (delivery_id) DO UPDATE SET channel = EXCLUDED.channel, created_at = EXCLUDED.created_at, updated_at = now()`,
      [rows.map((d) => d.deliveryId), rows.map((d) => d.documentId), rows.map((d) => d.senderCode), rows.map((d) => d.recipientCode), rows.map((d) => d.channel), rows.map((d) => d.createdAt)],
    );
  }

  /** Records arrivals in built-in inboxes, in one statement. */
  async recordArrivals(
    tx: Queryable,
    arrivals: readonly { deliveryId: string; documentId: string; senderCode: string; recipientCode: string; metadata: DocumentMetadata; file: FileRef; attachments: FileRef[]; arrivedAt: Date; entryId: string }[],
  ): Promise<void> {
    const column = <T>(pick: (a: (typeof arrivals)[number]) => T) => arrivals.map(pick);
    await tx.query(
      // The arrival is status 01 itself: the recipient sees it at once, before routing echoes it back.
      `INSERT INTO intake.deliveries (delivery_id, document_id, sender_code, recipient_code, channel, metadata, file, attachments, arrived_at, incoming_entry_id, status)
       SELECT delivery_id, document_id, sender_code, recipient_code, 'builtin', metadata, file, attachments, arrived_at, incoming_entry_id, 1
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::jsonb[], $8::timestamptz[], $9::uuid[])
         AS a(delivery_id, document_id, sender_code, recipient_code, metadata, file, attachments, arrived_at, incoming_entry_id)
       ON CONFLICT (delivery_id) DO UPDATE SET metadata = EXCLUDED.metadata, file = EXCLUDED.file, attachments = EXCLUDED.attachments,
         arrived_at = EXCLUDED.arrived_at, incoming_entry_id = EXCLUDED.incoming_entry_id, channel = 'builtin',
         status = COALESCE(intake.deliveries.status, 1), updated_at = now()`,
      [
        column((a) => a.deliveryId), column((a) => a.documentId), column((a) => a.senderCode), column((a) => a.recipientCode),
        column((a) => JSON.stringify(toJson(DocumentMetadataSchema, a.metadata))), column((a) => JSON.stringify(toJson(FileRefSchema, a.file))),
        column((a) => JSON.stringify(a.attachments.map((f) => toJson(FileRefSchema, f)))), column((a) => a.arrivedAt), column((a) => a.entryId),
      ],
    );
  }

  async markReceiptOverdue(tx: Queryable, deliveryId: string, at: Date): Promise<void> {
    await tx.query(`UPDATE intake.deliveries SET receipt_overdue_at = $2, updated_at = now() WHERE delivery_id = $1 AND receipt_overdue_at IS NULL`, [deliveryId, at]);
  }

  /**
   * An agreed recall destroys the recipient's copy and its metadata; the register keeps the
   * arrival number with a note, so the recall stays on record. Returns the files it released.
   */
  async destroyRecipientCopy(tx: Queryable, deliveryId: string, note: string, at: Date): Promise<string[]> {
    const { rows } = await tx.query<{ file: JsonValue | null; attachments: JsonValue[] | null; incoming_entry_id: string | null }>(
      `SELECT file, attachments, incoming_entry_id FROM intake.deliveries WHERE delivery_id = $1 AND arrived_at IS NOT NULL AND recipient_copy_destroyed_at IS NULL FOR UPDATE`,
      [deliveryId],
    );
    const row = rows[0];
    if (row === undefined) return [];
    await tx.query(`UPDATE intake.deliveries SET metadata = NULL, file = NULL, attachments = NULL, recipient_copy_destroyed_at = $2, updated_at = now() WHERE delivery_id = $1`, [deliveryId, at]);
    if (row.incoming_entry_id !== null) {
      await tx.query(`UPDATE intake.register_entries SET subject = '[Đã thu hồi]', notes = $2 WHERE entry_id = $1`, [row.incoming_entry_id, note]);
    }
    const refs = [row.file, ...(row.attachments ?? [])].filter((f): f is JsonValue => f !== null).map((f) => fromJson(FileRefSchema, f).sha256);
    return refs;
  }

  /** Whether any delivery still holds the file. */
  async referencesFile(tx: Queryable, sha256: string): Promise<boolean> {
    const { rows } = await tx.query(
      `SELECT 1 FROM intake.deliveries WHERE file->>'sha256' = $1 OR attachments @> jsonb_build_array(jsonb_build_object('sha256', $1::text)) LIMIT 1`,
      [sha256],
    );
    return rows.length > 0;
  }

  /** Whether a document with this edXML id arrived in the unit's built-in inbox (and was not taken back). */
  async received(recipientCode: string, edxmlDocumentId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM intake.deliveries WHERE recipient_code = $1 AND arrived_at IS NOT NULL AND metadata->>'edxmlDocumentId' = $2 LIMIT 1`,
      [recipientCode, edxmlDocumentId],
    );
    return rows.length > 0;
  }

  /** Which of these deliveries have arrived already (a redelivery brings them again). */
  async arrivedAmong(tx: Queryable, deliveryIds: readonly string[]): Promise<Set<string>> {
    const { rows } = await tx.query<{ delivery_id: string }>(`SELECT delivery_id FROM intake.deliveries WHERE delivery_id = ANY($1::uuid[]) AND arrived_at IS NOT NULL`, [deliveryIds]);
    return new Set(rows.map((row) => row.delivery_id));
  }

  /**
   * Applies routing's status changes in one round trip: each delivery takes the newest change it
   * has not seen (events may come out of order), and every change joins the history once.
   */
  async applyStatuses(
    tx: Queryable,
    changes: readonly { deliveryId: string; documentId: string; senderCode: string; recipientCode: string; status: number; reportedStatus: number; sequence: bigint; recallPending: boolean; reason: string; reportedBy: string; occurredAt: Date }[],
  ): Promise<void> {
    const column = <T>(pick: (c: (typeof changes)[number]) => T) => changes.map(pick);
    await tx.query(
      `WITH changes AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::smallint[], $6::boolean[], $7::bigint[])
           AS c(delivery_id, document_id, sender_code, recipient_code, status, recall_pending, status_sequence)
       ), newest AS (
         SELECT DISTINCT ON (delivery_id) * FROM changes ORDER BY delivery_id, status_sequence DESC
       ), states AS (
         INSERT INTO intake.deliveries (delivery_id, document_id, sender_code, recipient_code, status, recall_pending, status_sequence)
         SELECT delivery_id, document_id, sender_code, recipient_code, status, recall_pending, status_sequence FROM newest ORDER BY delivery_id
         ON CONFLICT (delivery_id) DO UPDATE SET status = EXCLUDED.status, recall_pending = EXCLUDED.recall_pending,
           status_sequence = EXCLUDED.status_sequence, updated_at = now()
         WHERE intake.deliveries.status_sequence < EXCLUDED.status_sequence
       )
       INSERT INTO intake.status_history (delivery_id, status, reason, reported_by, occurred_at, sequence)
       SELECT * FROM unnest($1::uuid[], $8::smallint[], $9::text[], $10::text[], $11::timestamptz[], $7::bigint[])
       ON CONFLICT DO NOTHING`,
      [
        column((c) => c.deliveryId), column((c) => c.documentId), column((c) => c.senderCode), column((c) => c.recipientCode), column((c) => c.status),
        column((c) => c.recallPending), column((c) => c.sequence.toString()), column((c) => c.reportedStatus), column((c) => c.reason), column((c) => c.reportedBy),
        column((c) => c.occurredAt),
      ],
    );
  }

  async find(deliveryId: string, tx: Queryable = this.db): Promise<DeliveryRecord | undefined> {
    const { rows } = await tx.query<DeliveryRow>(`${SELECT} WHERE d.delivery_id = $1`, [deliveryId]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async listInbox(recipientCode: string, limit: number): Promise<DeliveryRecord[]> {
    const { rows } = await this.db.query<DeliveryRow>(`${SELECT} WHERE d.recipient_code = $1 AND d.arrived_at IS NOT NULL ORDER BY d.arrived_at DESC LIMIT $2`, [recipientCode, limit]);
    return rows.map(toRecord);
  }

  async listForDocument(documentId: string, tx: Queryable = this.db): Promise<DeliveryRecord[]> {
    const { rows } = await tx.query<DeliveryRow>(`${SELECT} WHERE d.document_id = $1 ORDER BY d.recipient_code`, [documentId]);
    return rows.map(toRecord);
  }

  /** Each delivery's statuses in the order routing accepted them (not by their times: see migration 008). */
  async history(deliveryIds: string[], tx: Queryable = this.db): Promise<Map<string, StatusHistoryEntry[]>> {
    const { rows } = await tx.query<{ delivery_id: string; status: number; reason: string; reported_by: string; occurred_at: Date }>(
      `SELECT delivery_id, status, reason, reported_by, occurred_at FROM intake.status_history WHERE delivery_id = ANY($1::uuid[])
       ORDER BY sequence NULLS FIRST, occurred_at, id`,
      [deliveryIds],
    );
    const byDelivery = new Map<string, StatusHistoryEntry[]>();
    for (const row of rows) {
      const list = byDelivery.get(row.delivery_id) ?? [];
      list.push({ status: row.status, reason: row.reason, reportedBy: row.reported_by, occurredAt: row.occurred_at });
      byDelivery.set(row.delivery_id, list);
    }
    return byDelivery;
  }

  /** Whether a delivery to this organisation carried the file (the recipient may download it). */
  async recipientHoldsFile(recipientCode: string, sha256: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM intake.deliveries d JOIN intake.documents doc ON doc.document_id = d.document_id
       WHERE d.recipient_code = $1 AND d.status IS DISTINCT FROM 14
         AND (doc.issued_file->>'sha256' = $2 OR doc.issued_attachments @> jsonb_build_array(jsonb_build_object('sha256', $2::text)))
       UNION ALL
       SELECT 1 FROM intake.deliveries d WHERE d.recipient_code = $1 AND d.status IS DISTINCT FROM 14
         AND (d.file->>'sha256' = $2 OR d.attachments @> jsonb_build_array(jsonb_build_object('sha256', $2::text)))
       LIMIT 1`,
      [recipientCode, sha256],
    );
    return rows.length > 0;
  }
}
