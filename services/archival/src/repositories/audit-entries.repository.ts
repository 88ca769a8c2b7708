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

/** An entry's columns as appended (snake_case: the names jsonb_to_recordset reads). */
interface EntryColumns {
  seq: number;
  hash: string;
  prev_hash: string;
  event_type: string;
  message_id: string;
  document_id: string | null;
  doc_seq: number | null;
  org_codes: string[];
  occurred_at: string;
  recorded_at: string;
  body: string;
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

/** The chain's head and the heads of some documents' chains, read under the head lock. */
export interface ChainHeads {
  head: { seq: number; hash: string };
  docHeads: Map<string, { docSeq: number; hash: string }>;
}

/** The append-only audit chain in archival.audit_entries. */
@Injectable()
export class AuditEntriesRepository {
  constructor(private readonly db: Database) {}

  /** Appends one entry inside the caller's transaction (see `appendMany`). */
  async append(tx: Tx, entry: NewEntry): Promise<StoredEntry> {
    return (await this.appendMany(tx, [entry]))[0];
  }

  /**
   * Takes the chain's head lock, and reads the head and the heads of the documents of `entries`.
   * The head row's lock serialises appends of every archival instance until the transaction ends,
   * so seq order is commit order and no two entries ever claim the same predecessor. The document
   * heads are read after the lock, in a statement of their own (a join in the locking statement
   * would see them as they were before the wait). Both leave together on the pipelined connection;
   * the server runs the second once the first has the lock.
   */
  async lockChain(tx: Tx, entries: readonly NewEntry[]): Promise<ChainHeads> {
    const [{ rows: heads }, docHeads] = await Promise.all([
      tx.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM archival.audit_head WHERE id = 1 FOR UPDATE`),
      this.documentHeads(tx, entries),
    ]);
    if (heads.length === 0) throw new Error('archival.audit_head has no row: the audit chain is not initialised (migration 002)');
    return { head: { seq: Number(heads[0].seq), hash: heads[0].hash }, docHeads };
  }

  /**
   * Appends entries, in the order given, inside the caller's transaction, after taking the chain's
   * lock (lockChain) or with the heads of a lockChain the caller already sent in this transaction
   * for these entries or more. A batch pays for the lock, the reads and the writes once.
   */
  async appendMany(tx: Tx, entries: NewEntry[], locked?: Promise<ChainHeads>): Promise<StoredEntry[]> {
    if (entries.length === 0) return [];
    const { head: chainHead, docHeads } = await (locked ?? this.lockChain(tx, entries));
    let head = chainHead;
    const stored: StoredEntry[] = [];
    const rows: EntryColumns[] = [];
    for (const entry of entries) {
      const next = chainEntry(entry, { head, docHead: docHeads.get(entry.documentId) });
      const body = next.parsed;
      const documentId = body.documentId === '' ? null : body.documentId;
      head = { seq: next.seq, hash: next.hash };
      if (documentId !== null) docHeads.set(documentId, { docSeq: body.docSeq, hash: next.hash });
      stored.push({ seq: next.seq, hash: next.hash, body: next.body });
      rows.push({
        seq: next.seq, hash: next.hash, prev_hash: body.prevHash, event_type: body.type, message_id: body.messageId, document_id: documentId,
        doc_seq: documentId === null ? null : body.docSeq, org_codes: body.orgCodes, occurred_at: body.occurredAt, recorded_at: body.recordedAt, body: next.body,
      });
    }
    const touched = [...new Set(rows.flatMap((row) => (row.document_id === null ? [] : [row.document_id])))];
    // One statement for the entries and both heads, pipelined with the COMMIT (the head lock is
    // held a round trip less); jsonb carries each entry's array of units, which unnest would flatten.
    tx.pipelineWrite(
      `WITH entries AS (
         INSERT INTO archival.audit_entries (seq, hash, prev_hash, event_type, message_id, document_id, doc_seq, org_codes, occurred_at, recorded_at, body)
         SELECT seq, hash, prev_hash, event_type, message_id, document_id, doc_seq, org_codes, occurred_at, recorded_at, body
         FROM jsonb_to_recordset($1::jsonb) AS e(seq bigint, hash text, prev_hash text, event_type text, message_id text, document_id text, doc_seq integer, org_codes text[], occurred_at timestamptz, recorded_at timestamptz, body text)
       ), head AS (
         UPDATE archival.audit_head SET seq = $2, hash = $3 WHERE id = 1
       )
       INSERT INTO archival.audit_document_heads (document_id, doc_seq, hash) SELECT * FROM unnest($4::text[], $5::integer[], $6::text[])
       ON CONFLICT (document_id) DO UPDATE SET doc_seq = EXCLUDED.doc_seq, hash = EXCLUDED.hash`,
      [JSON.stringify(rows), head.seq, head.hash, touched, touched.map((id) => docHeads.get(id)?.docSeq), touched.map((id) => docHeads.get(id)?.hash)],
    );
    return stored;
  }

  private async documentHeads(tx: Tx, entries: readonly NewEntry[]): Promise<Map<string, { docSeq: number; hash: string }>> {
    const documentIds = [...new Set(entries.map((entry) => entry.documentId).filter((id) => id !== ''))];
    if (documentIds.length === 0) return new Map();
    const { rows } = await tx.query<{ document_id: string; doc_seq: number; hash: string }>(
      `SELECT document_id, doc_seq, hash FROM archival.audit_document_heads WHERE document_id = ANY($1::text[])`,
      [documentIds],
    );
    return new Map(rows.map((row) => [row.document_id, { docSeq: row.doc_seq, hash: row.hash }]));
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
