import { Injectable } from '@nestjs/common';
import { fromJson, JsonValue, toJson } from '@bufbuild/protobuf';
import { DocumentMetadata, DocumentMetadataSchema, FileRef, FileRefSchema, Priority, PrioritySchema } from '@edoc/contracts';
import { Database, Queryable } from '@edoc/db';
import type { ChosenPlacement } from '../domain/chosen-placement';

/**
 * The urgent priorities as the stored metadata spells them (protobuf JSON: the enum's names; a normal
 * document's is left out), the most pressing first: the enum numbers them by urgency.
 */
const URGENCIES_MOST_PRESSING_FIRST = PrioritySchema.values
  .filter((value) => value.number !== Priority.NORMAL_UNSPECIFIED)
  .sort((a, b) => b.number - a.number)
  .map((value) => value.name);

export type JobState = 'awaiting_signature' | 'approved' | 'returned' | 'person_signed' | 'issued' | 'failed';

/** What the signer's approval recorded: who, when, from where, with which key. */
export interface Approval {
  approvedBy: string;
  approvedAt: string;
  clientAddress: string;
  clientAgent: string;
  keyHolder: string;
  certificateSha256: string;
  secondFactor: string;
  /** Where the signer chose to put the signature, when the document prints no block for it. */
  placement?: ChosenPlacement;
}

/** A draft made ready for the signer's own token: the file with the placeholder, and what the token signs. */
export interface ExternalPreparation {
  file: FileRef;
  signedAttributes: Buffer;
  certificateSha256: string;
  preparedAt: Date;
}

interface PreparationJson {
  file: JsonValue;
  signedAttributes: string;
  certificateSha256: string;
  preparedAt: string;
}

/** A document from its submission (a request waiting for its signer) to its issue. */
export interface SigningJob {
  documentId: string;
  issuerCode: string;
  state: JobState;
  metadata: DocumentMetadata;
  mainFile: FileRef;
  attachments: FileRef[];
  personSignedFile: FileRef | null;
  signerUsername: string;
  submittedBy: string | null;
  requestedAt: Date;
  approval: Approval | null;
  returnedBy: string | null;
  returnComment: string | null;
  returnedAt: Date | null;
  failureReason: string | null;
  prepared: ExternalPreparation | null;
}

interface JobRow {
  document_id: string;
  issuer_code: string;
  state: JobState;
  metadata: JsonValue;
  main_file: JsonValue;
  attachments: JsonValue[];
  person_signed_file: JsonValue | null;
  signer_username: string | null;
  submitted_by: string | null;
  requested_at: Date | null;
  created_at: Date;
  approval: Approval | null;
  returned_by: string | null;
  return_comment: string | null;
  returned_at: Date | null;
  failure_reason: string | null;
  prepared: PreparationJson | null;
}

export interface NewJob {
  metadata: DocumentMetadata;
  mainFile: FileRef;
  attachments: FileRef[];
  submittedBy: string;
  requestedAt: Date;
  state: 'awaiting_signature' | 'failed';
  failureReason?: string;
}

const COLUMNS = `document_id, issuer_code, state, metadata, main_file, attachments, person_signed_file, signer_username, submitted_by,
  requested_at, created_at, approval, returned_by, return_comment, returned_at, failure_reason, prepared`;

const fileJson = (ref: FileRef): JsonValue => toJson(FileRefSchema, ref);

function toJob(row: JobRow): SigningJob {
  const metadata = fromJson(DocumentMetadataSchema, row.metadata);
  return {
    documentId: row.document_id,
    issuerCode: row.issuer_code,
    state: row.state,
    metadata,
    mainFile: fromJson(FileRefSchema, row.main_file),
    attachments: row.attachments.map((a) => fromJson(FileRefSchema, a)),
    personSignedFile: row.person_signed_file === null ? null : fromJson(FileRefSchema, row.person_signed_file),
    signerUsername: row.signer_username ?? metadata.signer?.userId ?? '',
    submittedBy: row.submitted_by,
    requestedAt: row.requested_at ?? row.created_at,
    approval: row.approval,
    returnedBy: row.returned_by,
    returnComment: row.return_comment,
    returnedAt: row.returned_at,
    failureReason: row.failure_reason,
    prepared:
      row.prepared === null
        ? null
        : { file: fromJson(FileRefSchema, row.prepared.file), signedAttributes: Buffer.from(row.prepared.signedAttributes, 'base64'), certificateSha256: row.prepared.certificateSha256, preparedAt: new Date(row.prepared.preparedAt) },
  };
}

/** Signature requests and the documents between the person's signature and the organisation's. */
@Injectable()
export class JobsRepository {
  constructor(private readonly db: Database) {}

  async find(documentId: string, tx: Queryable = this.db): Promise<SigningJob | undefined> {
    const { rows } = await tx.query<JobRow>(`SELECT ${COLUMNS} FROM signing.jobs WHERE document_id = $1`, [documentId]);
    return rows[0] === undefined ? undefined : toJob(rows[0]);
  }

  /** The same row, locked until the transaction ends: two approvals of one request are taken one after the other. */
  async lock(tx: Queryable, documentId: string): Promise<SigningJob | undefined> {
    const { rows } = await tx.query<JobRow>(`SELECT ${COLUMNS} FROM signing.jobs WHERE document_id = $1 FOR UPDATE`, [documentId]);
    return rows[0] === undefined ? undefined : toJob(rows[0]);
  }

  /**
   * Requests naming a signer, the most urgent first (a HỎA TỐC request is read before a backlog of
   * normal ones), then the longest waiting.
   */
  async forSigner(username: string, states: readonly JobState[], limit: number): Promise<SigningJob[]> {
    const { rows } = await this.db.query<JobRow>(
      `SELECT ${COLUMNS} FROM signing.jobs WHERE signer_username = $1 AND state = ANY($2)
       ORDER BY array_position($4::text[], metadata->>'priority') NULLS LAST, requested_at ASC NULLS LAST LIMIT $3`,
      [username, states, limit, URGENCIES_MOST_PRESSING_FIRST],
    );
    return rows.map(toJob);
  }

  /** A unit's requests, newest first: what its clerks follow. */
  async forIssuer(issuerCode: string, states: readonly JobState[], limit: number): Promise<SigningJob[]> {
    const { rows } = await this.db.query<JobRow>(
      `SELECT ${COLUMNS} FROM signing.jobs WHERE issuer_code = $1 AND state = ANY($2) ORDER BY requested_at DESC NULLS LAST LIMIT $3`,
      [issuerCode, states, limit],
    );
    return rows.map(toJob);
  }

  /** Jobs an HSM that did not answer left waiting in `state` (approved: the person's signature; person_signed: the seal). */
  async waitingForHsm(state: 'approved' | 'person_signed', limit: number): Promise<SigningJob[]> {
    const { rows } = await this.db.query<JobRow>(`SELECT ${COLUMNS} FROM signing.jobs WHERE state = $1 AND hsm_wait_since IS NOT NULL ORDER BY hsm_wait_since LIMIT $2`, [state, limit]);
    return rows.map(toJob);
  }

  async markWaitingForHsm(documentId: string): Promise<void> {
    await this.db.query(`UPDATE signing.jobs SET hsm_wait_since = coalesce(hsm_wait_since, now()) WHERE document_id = $1`, [documentId]);
  }

  async insert(tx: Queryable, job: NewJob): Promise<void> {
    await tx.query(
      `INSERT INTO signing.jobs (document_id, issuer_code, metadata, main_file, attachments, state, failure_reason, signer_username, submitted_by, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (document_id) DO NOTHING`,
      [
        job.metadata.documentId, job.metadata.issuerCode, toJson(DocumentMetadataSchema, job.metadata), fileJson(job.mainFile), JSON.stringify(job.attachments.map(fileJson)),
        job.state, job.failureReason ?? null, job.metadata.signer?.userId ?? '', job.submittedBy, job.requestedAt,
      ],
    );
  }

  async markApproved(tx: Queryable, documentId: string, approval: Approval): Promise<void> {
    await tx.query(`UPDATE signing.jobs SET state = 'approved', approval = $2, updated_at = now() WHERE document_id = $1 AND state = 'awaiting_signature'`, [documentId, approval]);
  }

  /** Keeps the first preparation: a second prepare of the same request gets the same attributes to sign. */
  async setPrepared(tx: Queryable, documentId: string, preparation: ExternalPreparation): Promise<void> {
    const json: PreparationJson = { file: fileJson(preparation.file), signedAttributes: preparation.signedAttributes.toString('base64'), certificateSha256: preparation.certificateSha256, preparedAt: preparation.preparedAt.toISOString() };
    await tx.query(`UPDATE signing.jobs SET prepared = $2, updated_at = now() WHERE document_id = $1 AND state = 'awaiting_signature' AND prepared IS NULL`, [documentId, json]);
  }

  /** The signer's own token signed: approval and signature in one step. */
  async markSignedExternally(tx: Queryable, documentId: string, approval: Approval, signedFile: FileRef): Promise<boolean> {
    const { rowCount } = await tx.query(
      `UPDATE signing.jobs SET state = 'person_signed', approval = $2, person_signed_file = $3, updated_at = now() WHERE document_id = $1 AND state = 'awaiting_signature'`,
      [documentId, approval, fileJson(signedFile)],
    );
    return rowCount === 1;
  }

  async markReturned(tx: Queryable, documentId: string, returnedBy: string, comment: string, returnedAt: Date): Promise<void> {
    await tx.query(
      `UPDATE signing.jobs SET state = 'returned', returned_by = $2, return_comment = $3, returned_at = $4, updated_at = now() WHERE document_id = $1 AND state = 'awaiting_signature'`,
      [documentId, returnedBy, comment, returnedAt],
    );
  }

  async markPersonSigned(tx: Queryable, documentId: string, signedFile: FileRef): Promise<boolean> {
    const { rowCount } = await tx.query(
      `UPDATE signing.jobs SET state = 'person_signed', person_signed_file = $2, hsm_wait_since = NULL, updated_at = now() WHERE document_id = $1 AND state = 'approved'`,
      [documentId, fileJson(signedFile)],
    );
    return rowCount === 1;
  }

  /** Keeps the number the register gave, so that a seal waiting for the HSM is applied with it later. */
  async recordNumber(tx: Queryable, documentId: string, metadata: DocumentMetadata): Promise<void> {
    await tx.query(`UPDATE signing.jobs SET metadata = $2, updated_at = now() WHERE document_id = $1 AND state = 'person_signed'`, [documentId, toJson(DocumentMetadataSchema, metadata)]);
  }

  async markIssued(tx: Queryable, documentId: string, metadata: DocumentMetadata, issuedFile: FileRef): Promise<boolean> {
    const { rowCount } = await tx.query(`UPDATE signing.jobs SET state = 'issued', metadata = $2, issued_file = $3, hsm_wait_since = NULL, updated_at = now() WHERE document_id = $1 AND state = 'person_signed'`, [
      documentId, toJson(DocumentMetadataSchema, metadata), fileJson(issuedFile),
    ]);
    return rowCount === 1;
  }

  async markFailed(tx: Queryable, documentId: string, reason: string): Promise<void> {
    await tx.query(`UPDATE signing.jobs SET state = 'failed', failure_reason = $2, updated_at = now() WHERE document_id = $1`, [documentId, reason]);
  }
}
