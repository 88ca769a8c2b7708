import { BadRequestException, ConflictException, HttpException, Inject, Injectable, PayloadTooLargeException, UnprocessableEntityException, UnsupportedMediaTypeException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { create, DocumentMetadataSchema, FileRef, FileRefSchema, printable, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import type { Principal } from '@edoc/identity';
import { objectKeyFor, removeFile, type ObjectStore } from '@edoc/storage';
import { EDOC_CONFIG, EventOutbox, isUrgent, OBJECT_STORE } from '@edoc/runtime';
import type { EdocConfig } from '@edoc/config';
import { checkPdfUpload, HEAD_BYTES, TAIL_BYTES, UploadProblem } from '../domain/pdf-upload';
import { requestFingerprint } from '../domain/request-fingerprint';
import { SubmissionInput, ValidSubmission, validateSubmission } from '../domain/submission';
import { vietnamDate } from '@edoc/contracts';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { DocumentsRepository } from '../repositories/documents.repository';
import { StagedObjectsRepository } from '../repositories/staged-objects.repository';
import { SignersRepository } from '../repositories/signers.repository';
import { readEnds } from '../uploads/read-ends';
import type { StagedFile } from '../uploads/staged-file';
import { PdfPreflight, strippedPathOf } from '../uploads/pdf-preflight.service';
import { preflightReason } from '../domain/preflight-reasons';

export interface SubmissionReceipt {
  documentId: string;
  state: 'awaiting_signature';
  recipients: string[];
  /** What intake changed or noticed in the files (active content removed, damage signing repairs). */
  notes?: string[];
}

function rejectUpload(problem: UploadProblem): HttpException {
  if (problem.status === 413) return new PayloadTooLargeException(problem.reason);
  if (problem.status === 415) return new UnsupportedMediaTypeException(problem.reason);
  return new BadRequestException(problem.reason);
}

/**
 * A clerk hands in a draft. The files arrive staged on disk (hashed on the way); every rule is
 * checked before anything is stored, so a refused submission leaves no object, no record and no
 * message behind. Objects are noted before they are stored and the note goes with the record, so
 * what a failure in between leaves is collected by the orphan sweeper.
 */
@Injectable()
export class SubmissionService {
  constructor(
    private readonly db: Database,
    private readonly documents: DocumentsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly signers: SignersRepository,
    private readonly staged: StagedObjectsRepository,
    private readonly preflight: PdfPreflight,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EDOC_CONFIG) private readonly config: EdocConfig,
  ) {}

  async submit(principal: Principal, input: SubmissionInput, main: StagedFile | undefined, attachments: StagedFile[], idempotencyKey?: string): Promise<SubmissionReceipt> {
    try {
      return await this.submitStaged(principal, input, main, attachments, idempotencyKey);
    } finally {
      // A file the preflight rewrote (its active content stripped) sits beside its upload's; under
      // the 'refuse' policy none is ever written, and asking to remove it would cost a failed unlink.
      if (this.preflight.policy === 'strip') await Promise.all([main, ...attachments].map((file) => (file === undefined ? undefined : removeFile(strippedPathOf(file.path)))));
    }
  }

  private async submitStaged(principal: Principal, input: SubmissionInput, main: StagedFile | undefined, attachments: StagedFile[], idempotencyKey?: string): Promise<SubmissionReceipt> {
    if (idempotencyKey !== undefined && !/^[A-Za-z0-9_.:-]{8,128}$/.test(idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key: 8 to 128 letters, digits, "_", ".", ":" or "-"');
    }
    const fingerprint = requestFingerprint(input, [main, ...attachments].map((file) => file?.sha256 ?? ''));
    if (idempotencyKey !== undefined) {
      const earlier = await this.earlierAnswer(principal.orgCode, idempotencyKey, fingerprint);
      if (earlier !== undefined) return earlier;
    }
    if (main === undefined) throw new BadRequestException('file: the document (a PDF) is required in the multipart field "file"');
    const sender = this.directory.require(principal.orgCode);
    const now = new Date();
    const named = typeof input.signer === 'string' ? await this.signers.find(input.signer.trim()) : undefined;
    const result = validateSubmission(input, {
      senderCode: sender.code,
      today: vietnamDate(now),
      expandRecipients: (entries) => this.directory.expandRecipients(entries),
      isSignerOf: (username, orgCode) => named !== undefined && named.active && named.username === username && named.orgCode === orgCode,
    });
    if (!result.ok) throw new UnprocessableEntityException(result.problems);
    const value = result.value;
    await this.checkReferences(sender.code, value);
    const signer = named as NonNullable<typeof named>;
    const checked = await this.checkFiles(main, attachments);
    const [checkedMain, ...checkedAttachments] = checked.map((c) => c.file) as [StagedFile, ...StagedFile[]];
    const notes = await this.staged.note(checked.map((c) => objectKeyFor(c.file.sha256)));
    const mainRef = await this.storeFile(checkedMain);
    const attachmentRefs: FileRef[] = [];
    for (const attachment of checkedAttachments) attachmentRefs.push(await this.storeFile(attachment));
    const preflightNotes = checked.flatMap((c) => c.notes);
    const documentId = randomUUID();
    const metadata = create(DocumentMetadataSchema, {
      documentId,
      issuerCode: sender.code,
      typeCode: value.typeCode,
      subject: value.subject,
      place: value.place || sender.placeName,
      signer: { competence: signer.competence, position: signer.position, fullName: signer.fullName, userId: signer.username },
      priority: value.priority,
      dueDate: value.dueDate,
      recipientCodes: value.recipientCodes,
      toPlaces: value.toPlaces,
      responseFor: value.responseFor,
      steeringType: value.steeringType,
      legalNormative: value.legalNormative,
      draftingUnit: value.draftingUnit,
      businessType: value.businessType,
      replacesDocumentId: value.replaces,
      revisesDocumentId: value.revises,
    });
    const created = await this.db.transaction(async (tx) => {
      const record = { metadata, mainFile: mainRef, attachments: attachmentRefs, submittedBy: principal.username, submittedAt: now, idempotencyKey, requestSha256: fingerprint, preflightNotes };
      if (!(await this.documents.insert(tx, record))) return false;
      if (value.revises !== '' && !(await this.documents.markRevised(tx, value.revises, documentId))) {
        throw new ConflictException(`revises: document ${value.revises} already has a revision`);
      }
      await this.staged.clear(tx, notes);
      await this.events.emit(tx, 'documentSubmitted', { metadata, mainFile: mainRef, attachments: attachmentRefs, submittedBy: principal.username, submittedAt: timestampFromDate(now) }, { urgent: isUrgent(value.priority) });
      return true;
    });
    if (!created && idempotencyKey !== undefined) {
      // The same key won a race with this request: answer with the document it created (if it is the same request).
      const earlier = await this.earlierAnswer(principal.orgCode, idempotencyKey, fingerprint);
      if (earlier !== undefined) return earlier;
    }
    return { documentId, state: 'awaiting_signature', recipients: value.recipientCodes, ...(preflightNotes.length === 0 ? {} : { notes: preflightNotes }) };
  }

  /**
   * Refuses at the door, with a reason a clerk understands, what signing would refuse later: the
   * cheap checks first (size, header, end marker), then the PDF engine's preflight (encrypted,
   * unreadable, over budget, active content, embedded files, signed in a way a signature breaks).
   * With the 'strip' policy a file's active content is removed instead; the notes say what changed.
   */
  private async checkFiles(main: StagedFile, attachments: StagedFile[]): Promise<{ file: StagedFile; notes: string[] }[]> {
    const named = [['file', main] as const, ...attachments.map((a, i) => [`attachments[${i}]`, a] as const)].map(([field, upload]) => ({ name: `${field} (${printable(upload.originalname).slice(0, 100)})`, upload }));
    for (const { name, upload } of named) {
      const problem = checkPdfUpload(name, await readEnds(upload.path, HEAD_BYTES, TAIL_BYTES), this.config.maxFileBytes);
      if (problem !== undefined) throw rejectUpload(problem);
    }
    const checked: { file: StagedFile; notes: string[] }[] = [];
    for (const { name, upload } of named) {
      const result = await this.preflight.inspect(upload.path);
      if (!result.acceptable) throw new UnprocessableEntityException(result.refusals.slice(0, 5).map((refusal) => preflightReason(name, refusal.code, refusal.reason)));
      const notes: string[] = [];
      if (result.repaired !== undefined) notes.push(`${name}: damaged cross-reference data (${result.repaired}); signing rewrites the file in full first`);
      if (result.stripped === undefined) {
        checked.push({ file: upload, notes });
        continue;
      }
      notes.push(...result.stripped.removed.map((item) => `${name}: removed ${item}`));
      checked.push({ file: { ...upload, path: result.stripped.path, sha256: result.stripped.sha256, size: result.stripped.size }, notes });
    }
    return checked;
  }

  /** The answer to a retried request; 422 when the key was used for another request. */
  private async earlierAnswer(orgCode: string, idempotencyKey: string, fingerprint: string): Promise<SubmissionReceipt | undefined> {
    const earlier = await this.documents.findByIdempotencyKey(orgCode, idempotencyKey);
    if (earlier === undefined) return undefined;
    // Documents recorded before requests were fingerprinted are taken as the same request.
    if (earlier.requestSha256 !== null && earlier.requestSha256 !== fingerprint) {
      throw new UnprocessableEntityException([`Idempotency-Key: key reused with a different request (it created document ${earlier.document.documentId}); use a new key for a new document`]);
    }
    return { documentId: earlier.document.documentId, state: 'awaiting_signature', recipients: earlier.document.metadata.recipientCodes };
  }

  /**
   * A reply must answer a document the unit received; an update or replacement must concern its own
   * issued document; a revision, its own document that the signer returned.
   */
  private async checkReferences(senderCode: string, value: ValidSubmission): Promise<void> {
    const problems: string[] = [];
    if (value.responseFor !== '' && !(await this.deliveries.received(senderCode, value.responseFor))) {
      problems.push(`responseFor: ${senderCode} never received a document "${value.responseFor}" (give the edXML id of a document in its inbox)`);
    }
    if (value.replaces !== '') {
      const original = await this.documents.find(value.replaces);
      if (original === undefined || original.issuerCode !== senderCode) problems.push(`replaces: ${senderCode} issued no document ${value.replaces}`);
      else if (original.state !== 'issued') problems.push(`replaces: document ${value.replaces} is ${original.state}, only an issued document can be updated or replaced`);
    }
    if (value.revises !== '') {
      const returned = await this.documents.find(value.revises);
      if (returned === undefined || returned.issuerCode !== senderCode) problems.push(`revises: ${senderCode} submitted no document ${value.revises}`);
      else if (returned.state !== 'returned') problems.push(`revises: document ${value.revises} is ${returned.state.replace('_', ' ')}; only a document its signer returned is revised`);
      else if (returned.revisedBy !== null) problems.push(`revises: document ${value.revises} already has a revision, ${returned.revisedBy}`);
    }
    if (problems.length > 0) throw new UnprocessableEntityException(problems);
  }

  /**
   * Hands a staged file to the object store, which checks it hashes to what was staged and moves it
   * into place (the staging folder is on the data disk beside the store): no second file created.
   */
  private async storeFile(upload: StagedFile): Promise<FileRef> {
    const stored = await this.store.putFile(upload.path, { mediaType: 'application/pdf', expectedSha256: upload.sha256 });
    return create(FileRefSchema, { objectKey: stored.key, sha256: stored.sha256, size: BigInt(stored.size), mediaType: 'application/pdf', fileName: printable(upload.originalname).slice(0, 255) });
  }
}
