import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '@edoc/db';

export interface ArchivedObject {
  name: string;
  sha256: string;
  role: 'document' | 'attachment' | 'metadata';
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
}

/** Where each issued document's write-once copies are, and how long they are kept. */
@Injectable()
export class RecordsRepository {
  constructor(private readonly db: Database) {}

  async exists(documentId: string, tx: Queryable = this.db): Promise<boolean> {
    const { rows } = await tx.query(`SELECT 1 FROM archival.records WHERE document_id = $1`, [documentId]);
    return rows.length > 0;
  }

  async insert(tx: Queryable, record: Omit<ArchiveRecord, 'archivedAt'>): Promise<void> {
    await tx.query(
      `INSERT INTO archival.records (document_id, issuer_code, edxml_document_id, retention_class, retain_until, objects, lock_mode)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (document_id) DO NOTHING`,
      [record.documentId, record.issuerCode, record.edxmlDocumentId, record.retentionClass, record.retainUntil, JSON.stringify(record.objects), record.lockMode],
    );
  }

  async find(documentId: string): Promise<ArchiveRecord | undefined> {
    const { rows } = await this.db.query<{
      document_id: string; issuer_code: string; edxml_document_id: string; retention_class: string; retain_until: Date | null; objects: ArchivedObject[]; lock_mode: string; archived_at: Date;
    }>(`SELECT * FROM archival.records WHERE document_id = $1`, [documentId]);
    const row = rows[0];
    return row === undefined
      ? undefined
      : { documentId: row.document_id, issuerCode: row.issuer_code, edxmlDocumentId: row.edxml_document_id, retentionClass: row.retention_class, retainUntil: row.retain_until, objects: row.objects, lockMode: row.lock_mode, archivedAt: row.archived_at };
  }
}
