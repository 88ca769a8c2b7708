import { rename } from 'node:fs/promises';
import { Injectable, Logger } from '@nestjs/common';
import { clone, DocumentMetadata, DocumentMetadataSchema, DocumentNumbered, DocumentSubmitted, FileRef, SignatureApproved, timestampDate, timestampFromDate } from '@edoc/contracts';
import { Database, type Tx } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { InboxTransactions, PermanentMessageError } from '@edoc/messaging';
import { addValidationDataFile, PdfSignError, signPdfFile, timestampPdfFile, type SignatureAppearance, type SignFileOptions } from '@edoc/pdf-sign';
import { isTokenUnavailable, type ParsedCertificate } from '@edoc/pki';
import { EventOutbox, isUrgent } from '@edoc/runtime';
import { JobsRepository, type SigningJob } from '../repositories/jobs.repository';
import { CredentialsRepository, KeyUnavailableError } from '../repositories/credentials.repository';
import { PdfFilesRepository } from '../repositories/pdf-files.repository';
import { TimestampService } from './timestamp.service';
import { ValidationDataService } from './validation-data.service';
import { personSignatureOptions } from './person-signature';
import { SignatureLayoutService } from './signature-layout.service';
import { SigningMetrics } from './signing-metrics';

/** FieldMDP P=2 on the seal: a comment or a changed page after it fails the seal, with the reason. */
const ISSUED_DOCUMENT_LOCK = 2;

const TRANSIENT_SIGNING_ERRORS = new Set(['TIMESTAMP_FAILED', 'IO_ERROR']);

/** A problem with the document or the keys: retrying cannot help, the clerk must act. */
class DocumentCannotBeSigned extends Error {}

/**
 * The two signatures of Decree 30: the competent person's first, once that person approved the
 * request; then, once the register has numbered the document, the organisation's over the seal
 * area, and on every attachment.
 */
@Injectable()
export class SigningService {
  private readonly logger = new Logger(SigningService.name);

  constructor(
    private readonly db: Database,
    private readonly transactions: InboxTransactions,
    private readonly jobs: JobsRepository,
    private readonly credentials: CredentialsRepository,
    private readonly timestamps: TimestampService,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
    private readonly metrics: SigningMetrics,
    private readonly pdfs: PdfFilesRepository,
    private readonly layout: SignatureLayoutService,
    private readonly validationData: ValidationDataService,
  ) {}

  /**
   * A submission becomes a request waiting for the signer it names: nothing is signed until that
   * person approves. A document that can never be signed (no signer, no key) fails at once.
   */
  async onSubmitted(event: DocumentSubmitted, messageId: string): Promise<void> {
    const metadata = event.metadata;
    if (metadata === undefined || event.mainFile === undefined) throw new PermanentMessageError('document.submitted without metadata or file');
    if ((await this.jobs.find(metadata.documentId)) !== undefined) return;
    try {
      const signer = metadata.signer;
      if (signer === undefined || signer.userId === '') throw new DocumentCannotBeSigned('the document names no signer');
      this.guard(() => this.credentials.personFacts(signer.userId));
    } catch (error) {
      if (!(error instanceof DocumentCannotBeSigned)) throw error;
      return this.fail(metadata, event, messageId, 'person_signature', error.message);
    }
    const requestedAt = event.submittedAt === undefined ? new Date() : timestampDate(event.submittedAt);
    await this.transactions.once('signing.request', messageId, (tx) =>
      this.jobs.insert(tx, { metadata, mainFile: event.mainFile!, attachments: event.attachments, submittedBy: event.submittedBy, requestedAt, state: 'awaiting_signature' }),
    );
  }

  /** The signer approved (the evidence is recorded): the person's signature goes on the draft. */
  async onApproved(event: SignatureApproved, messageId: string): Promise<void> {
    const job = await this.jobs.find(event.documentId);
    if (job === undefined) throw new PermanentMessageError(`signature.approved for ${event.documentId}, which signing never received`);
    await this.signApproved(job, messageId);
  }

  /**
   * Applies the person's signature to an approved request, exactly once (the state moves from
   * approved only here). An HSM that does not answer leaves the request approved: the message is
   * done with, and the retry of waiting approvals signs it once the HSM is back.
   */
  async signApproved(job: SigningJob, messageId?: string): Promise<'signed' | 'waiting' | 'skipped'> {
    if (job.state !== 'approved') return 'skipped';
    const metadata = job.metadata;
    const signer = metadata.signer;
    const approvedBy = job.approval?.approvedBy ?? '';
    let signed: FileRef;
    try {
      if (signer === undefined || signer.userId !== approvedBy) throw new DocumentCannotBeSigned(`approved by ${approvedBy}, but the request names ${signer?.userId ?? 'no signer'}`);
      const identity = this.guard(() => this.credentials.person(signer.userId));
      signed = await this.signFile('person', job.mainFile, job.mainFile.fileName, { ...personSignatureOptions(metadata, signer, job.approval?.placement), identity, timestamp: this.timestamps.provider() }, job.mainFile.sha256);
    } catch (error) {
      if (error instanceof KeyUnavailableError || isTokenUnavailable(error)) {
        this.logger.warn(`document ${job.documentId} approved by ${approvedBy} waits for the HSM: ${(error as Error).message}`);
        await this.jobs.markWaitingForHsm(job.documentId);
        return 'waiting';
      }
      if (!(error instanceof DocumentCannotBeSigned)) throw error;
      await this.fail(metadata, undefined, messageId ?? `retry:${job.documentId}`, 'person_signature', error.message);
      return 'skipped';
    }
    await this.once('signing.person', messageId, async (tx) => {
      if (!(await this.jobs.markPersonSigned(tx, metadata.documentId, signed))) return;
      await this.events.emit(tx, 'personSignatureApplied', { documentId: metadata.documentId, issuerCode: metadata.issuerCode, signedFile: signed, signedAt: timestampFromDate(new Date()) }, { urgent: isUrgent(metadata.priority) });
    });
    return 'signed';
  }

  /** The register gave the number: it is kept with the job, then the organisation's signature goes on. */
  async onNumbered(event: DocumentNumbered, messageId: string): Promise<void> {
    const job = await this.jobs.find(event.documentId);
    if (job === undefined) throw new PermanentMessageError(`document.numbered for ${event.documentId}, which signing never received`);
    if (job.state !== 'person_signed' || job.personSignedFile === null) return;
    const metadata = clone(DocumentMetadataSchema, job.metadata);
    Object.assign(metadata, { number: event.number, notation: event.notation, issuedDate: event.issuedDate, edxmlDocumentId: event.edxmlDocumentId });
    await this.jobs.recordNumber(this.db, job.documentId, metadata);
    await this.issue({ ...job, metadata }, messageId);
  }

  /**
   * The organisation's signature on the numbered document and on every attachment, exactly once
   * (only the move out of person_signed emits). An HSM holding the seal that does not answer leaves
   * the job numbered and waiting: the retry of waiting jobs issues it once the HSM is back.
   */
  async issue(job: SigningJob, messageId?: string): Promise<'issued' | 'waiting' | 'skipped'> {
    const metadata = job.metadata;
    if (job.state !== 'person_signed' || job.personSignedFile === null || metadata.number === 0) return 'skipped';
    const numberNotation = `${String(metadata.number).padStart(2, '0')}/${metadata.notation}`;
    const issuedAt = new Date();
    let issued: FileRef;
    let attachments: FileRef[];
    try {
      const organisation = this.directory.require(job.issuerCode);
      const identity = this.guard(() => this.credentials.organisation(job.issuerCode));
      issued = await this.signFile('organisation', job.personSignedFile, job.mainFile.fileName, {
        identity,
        appearance: { kind: 'organisation', numberNotation, issuedDate: metadata.issuedDate, orgName: organisation.name },
        reason: `Ban hành ${numberNotation}`,
        location: metadata.place,
        timestamp: this.timestamps.provider(),
        fieldName: 'CoQuan',
        // Issued means final: after the seal only signatures, validation data and time-stamps.
        lock: ISSUED_DOCUMENT_LOCK,
      }, job.mainFile.sha256, { longTerm: true, signers: [identity.certificate, ...this.personCertificateOf(metadata)] });
      attachments = [];
      for (const [index, attachment] of job.attachments.entries()) {
        attachments.push(
          await this.signFile('attachment', attachment, attachment.fileName, { identity, appearance: { kind: 'attachment', numberNotation, time: issuedAt }, timestamp: this.timestamps.provider(), fieldName: `CoQuan_PhuLuc${index + 1}`, lock: ISSUED_DOCUMENT_LOCK }),
        );
      }
    } catch (error) {
      if (error instanceof KeyUnavailableError || isTokenUnavailable(error)) {
        this.logger.warn(`document ${job.documentId} (${numberNotation}) waits for the HSM holding the seal of ${job.issuerCode}: ${(error as Error).message}`);
        await this.jobs.markWaitingForHsm(job.documentId);
        return 'waiting';
      }
      if (!(error instanceof DocumentCannotBeSigned)) throw error;
      await this.fail(metadata, undefined, messageId ?? `retry:${job.documentId}:issue`, 'organisation_signature', error.message);
      return 'skipped';
    }
    const done = await this.once('signing.organisation', messageId, async (tx) => {
      if (!(await this.jobs.markIssued(tx, job.documentId, metadata, issued))) return false;
      await this.events.emit(tx, 'documentIssued', { metadata, file: issued, attachments, issuedAt: timestampFromDate(issuedAt) }, { urgent: isUrgent(metadata.priority) });
      return true;
    });
    if (done !== true) return 'skipped';
    this.logger.log(`issued ${numberNotation} of ${job.issuerCode} (${job.documentId})`);
    return 'issued';
  }

  private async fail(metadata: DocumentMetadata, submitted: DocumentSubmitted | undefined, messageId: string, stage: string, reason: string): Promise<void> {
    this.logger.warn(`document ${metadata.documentId} cannot be signed (${stage}): ${reason}`);
    await this.transactions.once(`signing.${stage}`, messageId, async (tx) => {
      if (submitted !== undefined) {
        const requestedAt = submitted.submittedAt === undefined ? new Date() : timestampDate(submitted.submittedAt);
        await this.jobs.insert(tx, { metadata, mainFile: submitted.mainFile!, attachments: submitted.attachments, submittedBy: submitted.submittedBy, requestedAt, state: 'failed', failureReason: reason });
      } else {
        await this.jobs.markFailed(tx, metadata.documentId, reason);
      }
      await this.events.emit(tx, 'documentFailed', { documentId: metadata.documentId, issuerCode: metadata.issuerCode, stage, reason, failedAt: timestampFromDate(new Date()) });
    });
  }

  /**
   * Runs `apply` once for the message `messageId`, in the transaction that claims it (shared with
   * the other messages handled at the same moment, see InboxTransactions); without a message (the
   * retry of jobs that waited for an HSM), in a transaction of its own: the state it moves from
   * keeps that once. Undefined when the message was handled before.
   */
  private once<T>(consumer: string, messageId: string | undefined, apply: (tx: Tx) => Promise<T>): Promise<T | undefined> {
    return messageId === undefined ? this.db.transaction(apply) : this.transactions.once(consumer, messageId, apply);
  }

  /** The signer's certificate, for the revocation data of the issued document; none when it cannot be read. */
  private personCertificateOf(metadata: DocumentMetadata): ParsedCertificate[] {
    try {
      return metadata.signer?.userId ? [this.credentials.personCertificate(metadata.signer.userId).certificate] : [];
    } catch {
      return [];
    }
  }

  /**
   * Signs the file a claim check names into a new stored file, file to file: a 500 MB PDF costs no
   * more memory than a small one. The output needs no fsync of its own, the store makes its copy durable.
   */
  private signFile(kind: string, ref: FileRef, fileName: string, opts: SignFileOptions, original?: string, { longTerm = false, signers = [] as ParsedCertificate[] } = {}): Promise<FileRef> {
    return this.pdfs.transform(ref, fileName, async (input, output) => {
      const appearance = await this.placed(input, opts.appearance, original);
      // Each update is appended to the scratch copy itself, which then becomes the output: no new
      // file per step (creating one costs more CPU than a signature on some file systems).
      await this.sign(kind, () => signPdfFile(input, input, { ...opts, appearance, durable: false }));
      if (longTerm) {
        // PAdES B-LTA: the signature, then what validates it offline (/DSS), then a document time-stamp over both.
        await this.sign('validation-data', async () => addValidationDataFile(input, input, this.validationData.current(signers), { durable: false }));
        await this.sign('document-timestamp', () => timestampPdfFile(input, input, { timestamp: this.timestamps.provider(), fieldName: 'DauThoiGian', durable: false }));
      }
      await rename(input, output);
    });
  }

  /** The person's and the organisation's signatures go where the document's own layout puts them. */
  private placed(input: string, appearance: SignatureAppearance, original?: string): Promise<SignatureAppearance> {
    if (appearance.kind === 'person') return this.layout.person(input, appearance, original);
    if (appearance.kind === 'organisation') return this.layout.organisation(input, appearance, original);
    return Promise.resolve(appearance);
  }

  /** A missing or broken key fails the document; an HSM that does not answer is only a wait. */
  private guard<T>(load: () => T): T {
    try {
      return load();
    } catch (error) {
      if (error instanceof KeyUnavailableError) throw error;
      throw new DocumentCannotBeSigned((error as Error).message);
    }
  }

  /**
   * A refusal of the signing library concerns this document (broken or encrypted PDF, bad key) and
   * is final; a time-stamp authority that does not answer is a passing fault, so the message is retried.
   */
  private async sign<T>(kind: string, run: () => Promise<T>): Promise<T> {
    const stop = this.metrics.startTimer(kind);
    try {
      return await run();
    } catch (error) {
      if (error instanceof PdfSignError && !TRANSIENT_SIGNING_ERRORS.has(error.code)) throw new DocumentCannotBeSigned(error.message);
      throw error;
    } finally {
      stop();
    }
  }
}
