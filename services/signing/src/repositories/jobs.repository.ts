import { Injectable } from '@nestjs/common';
import { fromJson, JsonValue, toJson } from '@bufbuild/protobuf';
import { DocumentMetadata, DocumentMetadataSchema, FileRef, FileRefSchema } from '@edoc/contracts';
import { Database, Queryable } from '@edoc/db';

export interface SigningJob {
  documentId: string;
  issuerCode: string;
  state: 'person_signed' | 'issued' | 'failed';
  metadata: DocumentMetadata;
  mainFile: FileRef;
  attachments: FileRef[];
  personSignedFile: FileRef | null;
}

interface JobRow {
  document_id: string;
  issuer_code: string;
  state: SigningJob['state'];
  metadata: JsonValue;
  main_file: JsonValue;
  attachments: JsonValue[];
  person_signed_file: JsonValue | null;
}

const fileJson = (ref: FileRef): JsonValue => toJson(FileRefSchema, ref);

/** Documents between the person's signature and the organisation's. */
@Injectable()
export class JobsRepository {
  constructor(private readonly db: Database) {}

  async find(documentId: string, tx: Queryable = this.db): Promise<SigningJob | undefined> {
    const { rows } = await tx.query<JobRow>(
      `SELECT document_id, issuer_code, state, metadata, main_file, attachments, person_signed_file FROM signing.jobs WHERE document_id = $1`,
      [documentId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      documentId: row.document_id,
      issuerCode: row.issuer_code,
      state: row.state,
      metadata: fromJson(DocumentMetadataSchema, row.metadata),
      mainFile: fromJson(FileRefSchema, row.main_file),
      attachments: row.attachments.map((a) => fromJson(FileRefSchema, a)),
      personSignedFile: row.person_signed_file === null ? null : fromJson(FileRefSchema, row.person_signed_file),
    };
  }

  async insert(tx: Queryable, job: { metadata: DocumentMetadata; mainFile: FileRef; attachments: FileRef[]; personSignedFile: FileRef | null; state: SigningJob['state']; failureReason?: string }): Promise<void> {
    await tx.query(
      `INSERT INTO signing.jobs (document_id, issuer_code, metadata, main_file, attachments, person_signed_file, state, failure_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (document_id) DO NOTHING`,
      [
        job.metadata.documentId, job.metadata.issuerCode, toJson(DocumentMetadataSchema, job.metadata), fileJson(job.mainFile),
        JSON.stringify(job.attachments.map(fileJson)), job.personSignedFile === null ? null : fileJson(job.personSignedFile), job.state, job.failureReason ?? null,
      ],
    );
  }

  async markIssued(tx: Queryable, documentId: string, metadata: DocumentMetadata, issuedFile: FileRef): Promise<void> {
    await tx.query(`UPDATE signing.jobs SET state = 'issued', metadata = $2, issued_file = $3, updated_at = now() WHERE document_id = $1`, [
      documentId, toJson(DocumentMetadataSchema, metadata), fileJson(issuedFile),
    ]);
  }

  async markFailed(tx: Queryable, documentId: string, reason: string): Promise<void> {
    await tx.query(`UPDATE signing.jobs SET state = 'failed', failure_reason = $2, updated_at = now() WHERE document_id = $1`, [documentId, reason]);
  }
}
