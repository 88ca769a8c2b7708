import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '@edoc/db';

export interface EdxmlImportRow {
  organId: string;
  edxmlDocumentId: string;
  documentId: string;
  packageSha256: string;
  signerSubject: string;
  recipientCodes: string[];
  objectKeys: string[];
  importedBy: string;
}

@Injectable()
export class EdxmlImportsRepository {
  constructor(private readonly db: Database) {}

  /** False when this organ's DocumentId was imported already (a duplicate from the axis). */
  async insert(tx: Queryable, row: EdxmlImportRow): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO intake.edxml_imports (organ_id, edxml_document_id, document_id, package_sha256, signer_subject, recipient_codes, files, imported_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (organ_id, edxml_document_id) DO NOTHING`,
      [row.organId, row.edxmlDocumentId, row.documentId, row.packageSha256, row.signerSubject, row.recipientCodes, JSON.stringify(row.objectKeys.map((objectKey) => ({ objectKey }))), row.importedBy],
    );
    return rowCount === 1;
  }

  /** False when this very recall package was taken already. */
  async insertRecall(tx: Queryable, row: { packageSha256: string; organId: string; edxmlDocumentId: string; documentId: string; importedBy: string }): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO intake.edxml_recalls (package_sha256, organ_id, edxml_document_id, document_id, imported_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (package_sha256) DO NOTHING`,
      [row.packageSha256, row.organId, row.edxmlDocumentId, row.documentId, row.importedBy],
    );
    return rowCount === 1;
  }

  /** The import that registered this document (its organ and the package's DocumentId). `db`: the caller's transaction when it holds one. */
  async ofDocument(documentId: string, db: Queryable = this.db): Promise<{ organId: string; edxmlDocumentId: string; recipientCodes: string[] } | undefined> {
    const { rows } = await db.query<{ organ_id: string; edxml_document_id: string; recipient_codes: string[] }>('SELECT organ_id, edxml_document_id, recipient_codes FROM intake.edxml_imports WHERE document_id = $1', [documentId]);
    return rows[0] === undefined ? undefined : { organId: rows[0].organ_id, edxmlDocumentId: rows[0].edxml_document_id, recipientCodes: rows[0].recipient_codes };
  }

  async find(organId: string, edxmlDocumentId: string): Promise<{ documentId: string; importedAt: Date } | undefined> {
    const { rows } = await this.db.query<{ document_id: string; imported_at: Date }>('SELECT document_id, imported_at FROM intake.edxml_imports WHERE organ_id = $1 AND edxml_document_id = $2', [organId, edxmlDocumentId]);
    return rows[0] === undefined ? undefined : { documentId: rows[0].document_id, importedAt: rows[0].imported_at };
  }
}
