import { Injectable } from '@nestjs/common';
import { chainEntry, type NewEntry, type StoredEntry } from '@edoc/audit';
import { Database, type Queryable, type Tx } from '@edoc/db';

/** An entry row with the columns kept beside its hashed body. */
export interface AuditEntryRow extends StoredEntry {
  documentId: string | null;
  type: string;
  orgCodes: string[];
  prevHash: string;
}

interface Row {
  seq: string;
  hash: string;
  body: string;
  document_id: string | null;
  event_type: string;
  org_codes: string[];
  prev_hash: string;
}

const COLUMNS = 'seq, hash, body, document_id, event_type, org_codes, prev_hash';
const toEntry = (row: Row): AuditEntryRow => ({
  seq: Number(row.seq),
  hash: row.hash,
  body: row.body,
  documentId: row.document_id,
  type: row.event_type,
  orgCodes: row.org_codes,
  prevHash: row.prev_hash,
});

/** The append-only audit chain in archival.audit_entries. */
@Injectable()
export class AuditEntriesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Appends one entry inside the caller's transaction. The head row's lock serialises appends of
   * every archival instance until that transaction ends, so seq order is commit order and no two
   * entries ever claim the same predecessor.
   */
  async append(tx: Tx, entry: NewEntry): Promise<StoredEntry> {
    // The head's lock serialises appends; the document's head is read after it, in a statement of
    // its own (a join in the locking statement would see the document head as it was before the
    // wait). The entry and both heads are then written in one round trip.
    const { rows: heads } = await tx.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM archival.audit_head WHERE id = 1 FOR UPDATE`);
    if (heads.length === 0) throw new Error('archival.audit_head has no row: the audit chain is not initialised (migration 002)');
    const head = { seq: Number(heads[0].seq), hash: heads[0].hash };
    let docHead: { docSeq: number; hash: string } | undefined;
    if (entry.documentId !== '') {
      const { rows } = await tx.query<{ doc_seq: number; hash: string }>(`SELECT doc_seq, hash FROM archival.audit_document_heads WHERE document_id = $1`, [entry.documentId]);
      docHead = rows[0] === undefined ? undefined : { docSeq: rows[0].doc_seq, hash: rows[0].hash };
    }
    const next = chainEntry(entry, { head, docHead });
    const body = next.parsed;
    const documentId = body.documentId === '' ? null : body.documentId;
    await tx.query(
      `WITH entry AS (
         INSERT INTO archival.audit_entries (seq, hash, prev_hash, event_type, message_id, document_id, doc_seq, org_codes, occurred_at, recorded_at, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ), head AS (
         UPDATE archival.audit_head SET seq = $1, hash = $2 WHERE id = 1
       )
       INSERT INTO archival.audit_document_heads (document_id, doc_seq, hash) SELECT $6, $7, $2 WHERE $6::text IS NOT NULL
       ON CONFLICT (document_id) DO UPDATE SET doc_seq = EXCLUDED.doc_seq, hash = EXCLUDED.hash`,
      [next.seq, next.hash, body.prevHash, body.type, body.messageId, documentId, documentId === null ? null : body.docSeq, body.orgCodes, body.occurredAt, body.recordedAt, next.body],
    );
    return { seq: next.seq, hash: next.hash, body: next.body };
  }

  /** Entries after `afterSeq`, in order, at most `limit`. */
  async page(afterSeq: number, limit: number, db: Queryable = this.db): Promise<AuditEntryRow[]> {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM archival.audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
    return rows.map(toEntry);
  }

  /** The oldest entry after `afterSeq` and how many there are (what the next checkpoint would cover). */
  async uncovered(afterSeq: number, db: Queryable = this.db): Promise<{ count: number; oldestRecordedAt: Date | undefined }> {
    const { rows } = await db.query<{ count: string; oldest: Date | null }>(`SELECT count(*) AS count, min(recorded_at) AS oldest FROM archival.audit_entries WHERE seq > $1`, [afterSeq]);
    return { count: Number(rows[0].count), oldestRecordedAt: rows[0].oldest ?? undefined };
  }

  async forDocument(documentId: string): Promise<AuditEntryRow[]> {
    const { rows } = await this.db.query<Row>(`SELECT ${COLUMNS} FROM archival.audit_entries WHERE document_id = $1 ORDER BY seq`, [documentId]);
    return rows.map(toEntry);
  }

  /** Entries of one type that concern a unit, in a time window [from, to). */
  async forOrganisation(orgCode: string, type: string, from: Date, to: Date): Promise<AuditEntryRow[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM archival.audit_entries WHERE org_codes @> ARRAY[$1]::text[] AND event_type = $2 AND occurred_at >= $3 AND occurred_at < $4 ORDER BY seq`,
      [orgCode, type, from, to],
    );
    return rows.map(toEntry);
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const { rows } = await this.db.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM archival.audit_head WHERE id = 1`);
    return { seq: Number(rows[0]?.seq ?? 0), hash: rows[0]?.hash ?? '' };
  }
}
