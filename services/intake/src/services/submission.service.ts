import { BadRequestException, HttpException, Inject, Injectable, PayloadTooLargeException, UnprocessableEntityException, UnsupportedMediaTypeException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { create, DocumentMetadataSchema, FileRef, FileRefSchema, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import type { Principal } from '@edoc/identity';
import type { ObjectStore } from '@edoc/storage';
import { EDOC_CONFIG, EventOutbox, isUrgent, OBJECT_STORE } from '@edoc/runtime';
import type { EdocConfig } from '@edoc/config';
import { checkPdfUpload, UploadProblem } from '../domain/pdf-upload';
import { SubmissionInput, ValidSubmission, validateSubmission } from '../domain/submission';
import { vietnamDate } from '@edoc/contracts';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { DocumentsRepository } from '../repositories/documents.repository';
import { UsersRepository } from '../repositories/users.repository';

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

export interface SubmissionReceipt {
  documentId: string;
  state: 'submitted';
  recipients: string[];
}

function rejectUpload(problem: UploadProblem): HttpException {
  if (problem.status === 413) return new PayloadTooLargeException(problem.reason);
  if (problem.status === 415) return new UnsupportedMediaTypeException(problem.reason);
  return new BadRequestException(problem.reason);
}

/**
 * A clerk hands in a draft: every rule is checked before anything is stored, so a refused
 * submission leaves no file, no record and no message behind.
 */
@Injectable()
export class SubmissionService {
  constructor(
    private readonly db: Database,
    private readonly documents: DocumentsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly users: UsersRepository,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EDOC_CONFIG) private readonly config: EdocConfig,
  ) {}

  async submit(principal: Principal, input: SubmissionInput, main: UploadedFile | undefined, attachments: UploadedFile[], idempotencyKey?: string): Promise<SubmissionReceipt> {
    if (idempotencyKey !== undefined && !/^[A-Za-z0-9_.:-]{8,128}$/.test(idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key: 8 to 128 letters, digits, "_", ".", ":" or "-"');
    }
    if (idempotencyKey !== undefined) {
      const earlier = await this.documents.findByIdempotencyKey(principal.orgCode, idempotencyKey);
      if (earlier !== undefined) return { documentId: earlier.documentId, state: 'submitted', recipients: earlier.metadata.recipientCodes };
    }
    if (main === undefined) throw new BadRequestException('file: the document (a PDF) is required in the multipart field "file"');
    const sender = this.directory.require(principal.orgCode);
    const now = new Date();
    const result = validateSubmission(input, {
      senderCode: sender.code,
      today: vietnamDate(now),
      expandRecipients: (entries) => this.directory.expandRecipients(entries),
      isSignerOf: (username, orgCode) => this.users.isSignerOf(username, orgCode),
    });
    if (!result.ok) throw new UnprocessableEntityException(result.problems);
    for (const [name, upload] of [['file', main] as const, ...attachments.map((a, i) => [`attachments[${i}]`, a] as const)]) {
      const problem = checkPdfUpload(`${name} (${upload.originalname})`, upload.buffer, this.config.maxFileBytes);
      if (problem !== undefined) throw rejectUpload(problem);
    }

    const value = result.value;
    await this.checkReferences(sender.code, value);
    const signer = this.users.require(value.signerUsername);
    const mainRef = await this.storeFile(main);
    const attachmentRefs = await Promise.all(attachments.map((a) => this.storeFile(a)));
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
    });
    const created = await this.db.transaction(async (tx) => {
      if (!(await this.documents.insert(tx, { metadata, mainFile: mainRef, attachments: attachmentRefs, submittedBy: principal.username, submittedAt: now, idempotencyKey }))) return false;
      await this.events.emit(tx, 'documentSubmitted', { metadata, mainFile: mainRef, attachments: attachmentRefs, submittedBy: principal.username, submittedAt: timestampFromDate(now) }, { urgent: isUrgent(value.priority) });
      return true;
    });
    if (!created && idempotencyKey !== undefined) {
      // The same key won a race with this request: answer with the document it created.
      const earlier = await this.documents.findByIdempotencyKey(principal.orgCode, idempotencyKey);
      if (earlier !== undefined) return { documentId: earlier.documentId, state: 'submitted', recipients: earlier.metadata.recipientCodes };
    }
    return { documentId, state: 'submitted', recipients: value.recipientCodes };
  }

  /** A reply must answer a document the unit received; an update or replacement must concern its own issued document. */
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
    if (problems.length > 0) throw new UnprocessableEntityException(problems);
  }

  private async storeFile(upload: UploadedFile): Promise<FileRef> {
    const stored = await this.store.put(upload.buffer, { mediaType: 'application/pdf' });
    return create(FileRefSchema, { objectKey: stored.key, sha256: stored.sha256, size: BigInt(stored.size), mediaType: 'application/pdf', fileName: upload.originalname });
  }
}
