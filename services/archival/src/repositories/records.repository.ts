import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '@edoc/db';

export interface ArchivedObject {
  name: string;
  sha256: string;
  size: number;
  /** A renewed document (or attachment) is the document again with validation data and a newer document time-stamp. */
  role: 'document' | 'renewed-document' | 'attachment' | 'renewed-attachment' | 'metadata' | 'metadata-xml' | 'verification-report';
  mediaType: string;
  /** A renewed attachment: the name of the attachment it renews. */
  of?: string;
}

export interface ArchiveRecord {
  documentId: string;
  issuerCode: string;
  edxmlDocumentId: string;
  retentionClass: string;
  retainUntil: Date | null;
  objects: ArchivedObject[];
  lockMode: string;
  archivedAt: Date;
  issuedAt: Date | null;
  /** yyyy-MM-dd, the date of issue printed on the document (Vietnam time). */
  issuedDate: string | null;
  verificationValid: boolean | null;
  disposalListedAt: Date | null;
  /** When the newest time-stamp of the current copy stops proving anything; null when it has none (or was not read yet). */
  timestampHorizon: Date | null;
  renewals: number;
  /** Why the last renewal could not be made, until one is. */
  renewalBlocked: string | null;
  /** A renewed copy being written to the archive and not yet listed in `objects`. */
  renewalPending: PendingRenewal | null;
}

/** The copies a renewal is about to write (the document's, and its signed attachments'), and the horizon they give. */
export interface PendingRenewal {
  objects: ArchivedObject[];
  horizon: string;
}

interface Row {
  document_id: string;
  issuer_code: string;
  edxml_document_id: string;
  retention_class: string;
  retain_until: Date | null;
  objects: ArchivedObject[];
  lock_mode: string;
  archived_at: Date;
  issued_at: Date | null;
  issued_date: string | null;
  verification_valid: boolean | null;
  disposal_listed_at: Date | null;
  timestamp_horizon: Date | null;
  renewals: number;
  renewal_blocked: string | null;
  renewal_pending: PendingRenewal | null;
}

const SELECT = `SELECT document_id, issuer_code, edxml_document_id, retention_class, retain_until, objects, lock_mode, archived_at,
  issued_at, to_char(issued_date, 'YYYY-MM-DD') AS issued_date, verification_valid, disposal_listed_at, timestamp_horizon, renewals, renewal_blocked, renewal_pending FROM archival.records`;

const toRecord = (row: Row): ArchiveRecord => ({
  documentId: row.document_id,
  issuerCode: row.issuer_code,
  edxmlDocumentId: row.edxml_document_id,
  retentionClass: row.retention_class,
  retainUntil: row.retain_until,
  objects: row.objects,
  lockMode: row.lock_mode,
  archivedAt: row.archived_at,
  issuedAt: row.issued_at,
  issuedDate: row.issued_date,
  verificationValid: row.verification_valid,
  disposalListedAt: row.disposal_listed_at,
  timestampHorizon: row.timestamp_horizon,
  renewals: row.renewals,
  renewalBlocked: row.renewal_blocked,
  renewalPending: row.renewal_pending,
});

/** Where each issued document's write-once copies are, and how long they are kept. */
@Injectable()
export class RecordsRepository {
  constructor(private readonly db: Database) {}

  async exists(documentId: string, tx: Queryable = this.db): Promise<boolean> {
    const { rows } = await tx.query(`SELECT 1 FROM archival.records WHERE document_id = $1`, [documentId]);
    return rows.length > 0;
  }

  /** True when this call created the record; false when the document was archived before. */
  async insert(tx: Queryable, record: Omit<ArchiveRecord, 'archivedAt' | 'disposalListedAt' | 'renewals' | 'renewalBlocked' | 'renewalPending'>): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO archival.records (document_id, issuer_code, edxml_document_id, retention_class, retain_until, objects, lock_mode, issued_at, issued_date, verification_valid, timestamp_horizon, horizon_read)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, true) ON CONFLICT (document_id) DO NOTHING`,
      [
        record.documentId,
        record.issuerCode,
        record.edxmlDocumentId,
        record.retentionClass,
        record.retainUntil,
        JSON.stringify(record.objects),
        record.lockMode,
        record.issuedAt,
        record.issuedDate,
        record.verificationValid,
        record.timestampHorizon,
      ],
    );
    return rowCount === 1;
  }

  async find(documentId: string): Promise<ArchiveRecord | undefined> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE document_id = $1`, [documentId]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** Records of one issuer (or all when undefined), issued between two dates inclusive. */
  async list(filter: { issuerCode?: string; from?: string; to?: string }): Promise<ArchiveRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT} WHERE ($1::text IS NULL OR issuer_code = $1) AND ($2::date IS NULL OR issued_date >= $2) AND ($3::date IS NULL OR issued_date <= $3)
       ORDER BY issued_date, archived_at, document_id`,
      [filter.issuerCode ?? null, filter.from ?? null, filter.to ?? null],
    );
    return rows.map(toRecord);
  }

  /** The database's clock, which writes archived_at: an age computed against it does not depend on the reader's clock. */
  async now(): Promise<Date> {
    const { rows } = await this.db.query<{ now: Date }>(`SELECT now() AS now`);
    return rows[0].now;
  }

  /** Records whose retention ended at `at` or before: candidates for a disposal review, never deleted here. */
  async pastRetention(at: Date): Promise<ArchiveRecord[]> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE retain_until IS NOT NULL AND retain_until <= $1 ORDER BY retain_until, document_id`, [at]);
    return rows.map(toRecord);
  }

  /** Marks a record as put on the disposal review list; false when it was already (another instance did it). */
  async markListedForDisposal(tx: Queryable, documentId: string, at: Date): Promise<boolean> {
    const { rowCount } = await tx.query(`UPDATE archival.records SET disposal_listed_at = $2 WHERE document_id = $1 AND disposal_listed_at IS NULL`, [documentId, at]);
    return rowCount === 1;
  }

  /** Records archived before time-stamp horizons were kept: their current copy has to be read once. */
  async withUnreadHorizon(limit: number): Promise<ArchiveRecord[]> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE NOT horizon_read ORDER BY archived_at LIMIT $1`, [limit]);
    return rows.map(toRecord);
  }

  async setHorizon(documentId: string, horizon: Date | null): Promise<void> {
    await this.db.query(`UPDATE archival.records SET timestamp_horizon = $2, horizon_read = true WHERE document_id = $1`, [documentId, horizon]);
  }

  /** Records whose newest time-stamp stops proving anything before `before`, the most urgent first. */
  async dueForRenewal(before: Date, limit: number): Promise<ArchiveRecord[]> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE timestamp_horizon < $1 ORDER BY timestamp_horizon, document_id LIMIT $2`, [before, limit]);
    return rows.map(toRecord);
  }

  /**
   * The renewed copies join the record's objects and its horizon moves; false when the record's horizon
   * is no longer `expected` (another instance renewed it meanwhile).
   */
  async recordRenewal(tx: Queryable, documentId: string, expected: Date, renewed: ArchivedObject[], horizon: Date): Promise<boolean> {
    const { rowCount } = await tx.query(
      `UPDATE archival.records SET objects = objects || $3::jsonb, timestamp_horizon = $4, renewals = renewals + 1, renewal_blocked = NULL, renewal_pending = NULL
       WHERE document_id = $1 AND timestamp_horizon = $2`,
      [documentId, expected, JSON.stringify(renewed), horizon],
    );
    return rowCount === 1;
  }

  /** Names the copy a renewal is about to write (see migration 004); `null` forgets a copy that was never written. */
  async setRenewalPending(documentId: string, pending: PendingRenewal | null): Promise<void> {
    await this.db.query(`UPDATE archival.records SET renewal_pending = $2 WHERE document_id = $1`, [documentId, pending === null ? null : JSON.stringify(pending)]);
  }

  async markRenewalBlocked(documentId: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE archival.records SET renewal_blocked = $2 WHERE document_id = $1`, [documentId, reason]);
  }
}
