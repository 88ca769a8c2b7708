import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '@edoc/db';
import { DocumentMetadata, DocumentMetadataSchema, FileRef, FileRefSchema, fromJson, toJson, JsonValue } from '../proto-json';

export type DocumentState = 'awaiting_signature' | 'returned' | 'person_signed' | 'numbered' | 'issued' | 'failed' | 'recalled';

export interface DocumentRecord {
  documentId: string;
  issuerCode: string;
  state: DocumentState;
  metadata: DocumentMetadata;
  mainFile: FileRef;
  attachments: FileRef[];
  submittedBy: string;
  submittedAt: Date;
  number: number | null;
  notation: string | null;
  issuedDate: string | null;
  issuedFile: FileRef | null;
  issuedAttachments: FileRef[];
  issuedAt: Date | null;
  failureStage: string | null;
  failureReason: string | null;
  preflightNotes: string[];
  /** The signer's answer when the request was sent back. */
  returned: { by: string; comment: string; at: Date } | null;
  revises: string | null;
  revisedBy: string | null;
}

interface DocumentRow {
  document_id: string;
  issuer_code: string;
  state: DocumentState;
  metadata: JsonValue;
  main_file: JsonValue;
  attachments: JsonValue[];
  submitted_by: string;
  submitted_at: Date;
  number: number | null;
  notation: string | null;
  issued_date: string | null;
  issued_file: JsonValue | null;
  issued_attachments: JsonValue[] | null;
  issued_at: Date | null;
  failure_stage: string | null;
  failure_reason: string | null;
  preflight_notes: string[];
  returned_by: string | null;
  return_comment: string | null;
  returned_at: Date | null;
  revises: string | null;
  revised_by: string | null;
}

const file = (json: JsonValue): FileRef => fromJson(FileRefSchema, json);
const fileJson = (ref: FileRef): JsonValue => toJson(FileRefSchema, ref);

function toRecord(row: DocumentRow): DocumentRecord {
  return {
    documentId: row.document_id,
    issuerCode: row.issuer_code,
    state: row.state,
    metadata: fromJson(DocumentMetadataSchema, row.metadata),
    mainFile: file(row.main_file),
    attachments: row.attachments.map(file),
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at,
    number: row.number,
    notation: row.notation,
    issuedDate: row.issued_date,
    issuedFile: row.issued_file === null ? null : file(row.issued_file),
    issuedAttachments: (row.issued_attachments ?? []).map(file),
    issuedAt: row.issued_at,
    failureStage: row.failure_stage,
    failureReason: row.failure_reason,
    preflightNotes: row.preflight_notes,
    returned: row.returned_by === null || row.returned_at === null ? null : { by: row.returned_by, comment: row.return_comment ?? '', at: row.returned_at },
    revises: row.revises,
    revisedBy: row.revised_by,
  };
}

const COLUMNS = `document_id, issuer_code, state, metadata, main_file, attachments, submitted_by, submitted_at, number, notation,
  to_char(issued_date, 'YYYY-MM-DD') AS issued_date, issued_file, issued_attachments, issued_at, failure_stage, failure_reason, preflight_notes,
  returned_by, return_comment, returned_at, revises, revised_by`;

/** Documents as the issuing clerk's office keeps them, from draft to issue. */
@Injectable()
export class DocumentsRepository {
  constructor(private readonly db: Database) {}

  /** False when the issuer already has a document under this idempotency key (nothing is written then). */
  async insert(
    tx: Queryable,
    doc: { metadata: DocumentMetadata; mainFile: FileRef; attachments: FileRef[]; submittedBy: string; submittedAt: Date; idempotencyKey?: string; requestSha256: string; preflightNotes: string[] },
  ): Promise<boolean> {
    const m = doc.metadata;
    const { rowCount } = await tx.query(
      `INSERT INTO intake.documents (document_id, issuer_code, type_code, subject, legal_normative, state, metadata, main_file, attachments, submitted_by, submitted_at, idempotency_key, request_sha256, preflight_notes, revises)
       VALUES ($1, $2, $3, $4, $5, 'awaiting_signature', $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (issuer_code, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
      [
        m.documentId, m.issuerCode, m.typeCode, m.subject, m.legalNormative, toJson(DocumentMetadataSchema, m), fileJson(doc.mainFile),
        JSON.stringify(doc.attachments.map(fileJson)), doc.submittedBy, doc.submittedAt, doc.idempotencyKey ?? null, doc.requestSha256, doc.preflightNotes, m.revisesDocumentId || null,
      ],
    );
    return rowCount === 1;
  }

  /** The document an earlier request with this key created, and the fingerprint of that request (null before it was kept). */
  async findByIdempotencyKey(issuerCode: string, key: string): Promise<{ document: DocumentRecord; requestSha256: string | null } | undefined> {
    const { rows } = await this.db.query<DocumentRow & { request_sha256: string | null }>(
      `SELECT ${COLUMNS}, request_sha256 FROM intake.documents WHERE issuer_code = $1 AND idempotency_key = $2`,
      [issuerCode, key],
    );
    return rows[0] === undefined ? undefined : { document: toRecord(rows[0]), requestSha256: rows[0].request_sha256 };
  }

  /** The document an organisation issued under this edXML DocumentId, if any. */
  async findByEdxmlId(issuerCode: string, edxmlDocumentId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ document_id: string }>(`SELECT document_id FROM intake.documents WHERE issuer_code = $1 AND metadata->>'edxmlDocumentId' = $2`, [issuerCode, edxmlDocumentId]);
    return rows[0]?.document_id;
  }

  async find(documentId: string, tx: Queryable = this.db): Promise<DocumentRecord | undefined> {
    const { rows } = await tx.query<DocumentRow>(`SELECT ${COLUMNS} FROM intake.documents WHERE document_id = $1`, [documentId]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** Locks the row for the rest of the transaction, so two handlers never number the same draft. */
  async findForUpdate(tx: Queryable, documentId: string): Promise<DocumentRecord | undefined> {
    const { rows } = await tx.query<DocumentRow>(`SELECT ${COLUMNS} FROM intake.documents WHERE document_id = $1 FOR UPDATE`, [documentId]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async listByIssuer(issuerCode: string, limit: number): Promise<DocumentRecord[]> {
    const { rows } = await this.db.query<DocumentRow>(`SELECT ${COLUMNS} FROM intake.documents WHERE issuer_code = $1 ORDER BY submitted_at DESC LIMIT $2`, [issuerCode, limit]);
    return rows.map(toRecord);
  }

  async markNumbered(tx: Queryable, documentId: string, metadata: DocumentMetadata): Promise<void> {
    await tx.query(
      `UPDATE intake.documents SET state = 'numbered', number = $2, notation = $3, issued_date = $4, metadata = $5, updated_at = now() WHERE document_id = $1`,
      [documentId, metadata.number, metadata.notation, metadata.issuedDate, toJson(DocumentMetadataSchema, metadata)],
    );
  }

  async markIssued(tx: Queryable, documentId: string, issued: { file: FileRef; attachments: FileRef[]; issuedAt: Date }): Promise<void> {
    await tx.query(
      `UPDATE intake.documents SET state = 'issued', issued_file = $2, issued_attachments = $3, issued_at = $4, updated_at = now() WHERE document_id = $1`,
      [documentId, fileJson(issued.file), JSON.stringify(issued.attachments.map(fileJson)), issued.issuedAt],
    );
  }

  async markFailed(tx: Queryable, documentId: string, stage: string, reason: string): Promise<void> {
    await tx.query(`UPDATE intake.documents SET state = 'failed', failure_stage = $2, failure_reason = $3, updated_at = now() WHERE document_id = $1`, [documentId, stage, reason]);
  }

  /** Freezes the sender's copy: a recalled document takes no further recall, update or replacement. */
  async markRecalled(tx: Queryable, documentId: string, reason: string, at: Date): Promise<boolean> {
    const { rowCount } = await tx.query(
      `UPDATE intake.documents SET state = 'recalled', recall_reason = $2, recalled_at = $3, updated_at = now() WHERE document_id = $1 AND state = 'issued'`,
      [documentId, reason, at],
    );
    return rowCount === 1;
  }

  /** Whether any document still holds the file as its draft, issued copy or attachment. */
  async referencesFile(tx: Queryable, sha256: string): Promise<boolean> {
    const { rows } = await tx.query(
      `SELECT 1 FROM intake.documents WHERE main_file->>'sha256' = $1 OR issued_file->>'sha256' = $1
         OR attachments @> jsonb_build_array(jsonb_build_object('sha256', $1::text)) OR issued_attachments @> jsonb_build_array(jsonb_build_object('sha256', $1::text)) LIMIT 1`,
      [sha256],
    );
    return rows.length > 0;
  }

  async markPersonSigned(tx: Queryable, documentId: string): Promise<void> {
    await tx.query(`UPDATE intake.documents SET state = 'person_signed', updated_at = now() WHERE document_id = $1 AND state = 'awaiting_signature'`, [documentId]);
  }

  async markReturned(tx: Queryable, documentId: string, returned: { by: string; comment: string; at: Date }): Promise<void> {
    await tx.query(
      `UPDATE intake.documents SET state = 'returned', returned_by = $2, return_comment = $3, returned_at = $4, updated_at = now() WHERE document_id = $1 AND state = 'awaiting_signature'`,
      [documentId, returned.by, returned.comment, returned.at],
    );
  }

  /** Links a returned document to its revision; false when another revision took it first. */
  async markRevised(tx: Queryable, documentId: string, revisionId: string): Promise<boolean> {
    const { rowCount } = await tx.query(
      `UPDATE intake.documents SET revised_by = $2, updated_at = now() WHERE document_id = $1 AND state = 'returned' AND revised_by IS NULL`,
      [documentId, revisionId],
    );
    return rowCount === 1;
  }

  /** Whether any document of this issuer holds the file, as draft or issued copy. */
  async issuerHoldsFile(issuerCode: string, sha256: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM intake.documents WHERE issuer_code = $1 AND (main_file->>'sha256' = $2 OR issued_file->>'sha256' = $2
         OR attachments @> jsonb_build_array(jsonb_build_object('sha256', $2::text)) OR issued_attachments @> jsonb_build_array(jsonb_build_object('sha256', $2::text))) LIMIT 1`,
      [issuerCode, sha256],
    );
    return rows.length > 0;
  }
}
