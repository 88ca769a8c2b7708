import { Inject, Injectable, Logger } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { ARCHIVED_ENTRY_TYPE } from '@edoc/audit';
import { DocumentIssued, DocumentIssuedSchema, DocumentMetadataSchema, timestampDate, toJson } from '@edoc/contracts';
import { Directory } from '@edoc/directory';
import { PermanentMessageError } from '@edoc/messaging';
import { pageCount } from '@edoc/pdf-sign';
import { ArchiveConflictError, type ArchiveStore, sha256Hex } from '@edoc/storage';
import { ARCHIVAL_SETTINGS, type ArchivalSettings } from '../config/archival-settings';
import { decree30Record } from '../domain/decree30-record';
import { retentionFor } from '../domain/retention';
import { timestampHorizon } from '../domain/timestamp-horizon';
import { type FileVerification, verificationReport, verifyArchivedFile } from '../domain/verification-report';
import { IssuedFilesRepository, type LocalCopy } from '../repositories/issued-files.repository';
import { ArchivedObject, RecordsRepository } from '../repositories/records.repository';
import { ArchiveKeysService } from './archive-keys.service';
import { ARCHIVE_STORE } from './archive-store.token';
import { AuditTrailService } from './audit-trail.service';

/**
 * Keeps every issued document write-once: the signed PDF, its attachments, its metadata as JSON and
 * as a Decree 30 XML record, and the verification report of its signatures; then appends the
 * `document.issued` and `document.archived` entries (with each object's SHA-256) to the audit chain.
 */
@Injectable()
export class ArchiveService {
  private readonly logger = new Logger(ArchiveService.name);

  constructor(
    private readonly records: RecordsRepository,
    private readonly audit: AuditTrailService,
    private readonly keys: ArchiveKeysService,
    private readonly directory: Directory,
    @Inject(ARCHIVAL_SETTINGS) private readonly settings: ArchivalSettings,
    private readonly issuedFiles: IssuedFilesRepository,
    @Inject(ARCHIVE_STORE) private readonly archive: ArchiveStore,
  ) {}

  async onIssued(event: DocumentIssued, messageId: string): Promise<void> {
    const metadata = event.metadata;
    if (metadata === undefined || event.file === undefined) throw new PermanentMessageError('document.issued without metadata or file');
    if (metadata.documentId === '') throw new PermanentMessageError('document.issued without a documentId');
    const issuedAt = event.issuedAt ? timestampDate(event.issuedAt) : new Date();
    // The event goes into the chain at once; storing the files takes longer and follows.
    await this.audit.recordEvent(DocumentIssuedSchema, event, messageId, 'archival.issued');
    // The record is the idempotency key of the archiving: a redelivery after a crash between the two
    // steps (event claimed, record missing) archives the document then.
    if (await this.records.exists(metadata.documentId)) return;
    // Objects are written before the transaction (storage is not transactional); putOnce makes a repeat harmless.
    const stored = await this.store(event, issuedAt);
    const now = new Date().toISOString();
    // The record and its entry commit together, with the entries of the events handled meanwhile
    // (one take of the chain's head lock for all); a record another instance made first appends nothing.
    const archived = await this.audit.recordIf(
      {
        type: ARCHIVED_ENTRY_TYPE,
        messageId: `${messageId}:archived`,
        documentId: metadata.documentId,
        orgCodes: [metadata.issuerCode],
        occurredAt: now,
        recordedAt: now,
        summary: `archived ${metadata.edxmlDocumentId}: ${stored.objects.length} objects write-once (${stored.lockMode}), retention ${stored.retentionClass}`,
        payload: {
          documentId: metadata.documentId,
          edxmlDocumentId: metadata.edxmlDocumentId,
          issuerCode: metadata.issuerCode,
          retentionClass: stored.retentionClass,
          retainUntil: stored.retainUntil?.toISOString() ?? null,
          lockMode: stored.lockMode,
          verificationValid: stored.verificationValid,
          objects: stored.objects.map((o) => ({ name: o.name, sha256: o.sha256, size: o.size, role: o.role, mediaType: o.mediaType })),
        },
      },
      (tx) =>
        this.records.insert(tx, {
          documentId: metadata.documentId,
          issuerCode: metadata.issuerCode,
          edxmlDocumentId: metadata.edxmlDocumentId,
          retentionClass: stored.retentionClass,
          retainUntil: stored.retainUntil ?? null,
          objects: stored.objects,
          lockMode: stored.lockMode,
          issuedAt,
          issuedDate: /^\d{4}-\d{2}-\d{2}$/.test(metadata.issuedDate) ? metadata.issuedDate : null,
          verificationValid: stored.verificationValid,
          timestampHorizon: stored.timestampHorizon ?? null,
        }),
    );
    if (!archived) return;
    this.logger.log(`archived ${metadata.edxmlDocumentId} (${stored.objects.length} objects, ${stored.lockMode})`);
  }

  /** The issued files are streamed from the files bucket into the archive through scratch copies: never held whole. */
  private async store(event: DocumentIssued, issuedAt: Date) {
    const metadata = event.metadata!;
    const { retentionClass, retainUntil } = retentionFor(metadata, issuedAt, this.settings);
    const base = `${metadata.issuerCode}/${issuedAt.getUTCFullYear()}/${metadata.documentId}`;
    const objects: ArchivedObject[] = [];
    let lockMode = 'none';
    const keep = async (name: string, content: Buffer | LocalCopy, role: ArchivedObject['role'], mediaType: string, derived = false) => {
      let kept: { sha256: string; size: number };
      try {
        const result = await this.archive.putOnce(`${base}/${name}`, Buffer.isBuffer(content) ? content : createReadStream(content.path), { retainUntil, mediaType });
        lockMode = result.locked;
        kept = { sha256: result.sha256, size: Buffer.isBuffer(content) ? content.length : content.size };
      } catch (error) {
        // A report made again after a crash differs in its time; the copy archived first stands (derived objects are small).
        if (!(derived && error instanceof ArchiveConflictError)) throw error;
        const first = await this.archive.get(`${base}/${name}`);
        kept = { sha256: sha256Hex(first), size: first.length };
      }
      objects.push({ name: `${base}/${name}`, ...kept, role, mediaType });
    };
    return this.issuedFiles.withLocalCopies([event.file!, ...event.attachments], async ([pdf, ...attachments]) => {
      await keep('document.pdf', pdf, 'document', 'application/pdf');
      for (const [index, attachment] of attachments.entries()) await keep(`attachment-${index + 1}.pdf`, attachment, 'attachment', 'application/pdf');
      const metadataJson = Buffer.from(`${JSON.stringify({ metadata: toJson(DocumentMetadataSchema, metadata), issuedAt: issuedAt.toISOString(), retentionClass }, null, 2)}\n`);
      await keep('metadata.json', metadataJson, 'metadata', 'application/json');
      const trust = this.trustOrError();
      const verifiedAt = new Date();
      const document = await this.inspectDocument(pdf, trust, verifiedAt);
      const record = decree30Record({
        metadata,
        issuerName: this.directory.has(metadata.issuerCode) ? this.directory.require(metadata.issuerCode).name : metadata.issuerCode,
        recipientNames: new Map(metadata.recipientCodes.filter((code) => this.directory.has(code)).map((code) => [code, this.directory.require(code).name])),
        retentionClass,
        pageCount: document.pageCount,
        files: objects.map((o) => ({ name: o.name.slice(base.length + 1), sha256: o.sha256, size: o.size, role: o.role })),
      });
      await keep('metadata.xml', record, 'metadata-xml', 'application/xml');
      const verified = [document.verification];
      for (const [index, attachment] of attachments.entries()) {
        verified.push(await verifyArchivedFile({ name: `attachment-${index + 1}.pdf`, sha256: attachment.sha256, path: attachment.path }, trust, verifiedAt, this.keys.onlineRevocation));
      }
      const report = verificationReport(verified, verifiedAt);
      await keep('verification-report.json', Buffer.from(`${JSON.stringify(report, null, 2)}\n`), 'verification-report', 'application/json', true);
      const horizon = document.verification.report === undefined ? undefined : timestampHorizon(document.verification.report);
      return { objects, lockMode, retentionClass, retainUntil, verificationValid: report.valid, timestampHorizon: horizon };
    });
  }

  /** The page count and the signatures of the main PDF, both read from its scratch copy in blocks. */
  private async inspectDocument(pdf: LocalCopy, trust: { anchorsPem: string[]; crlsPem: string[] } | Error, at: Date): Promise<{ pageCount: number; verification: FileVerification }> {
    return { pageCount: pagesOf(pdf.path), verification: await verifyArchivedFile({ name: 'document.pdf', sha256: pdf.sha256, path: pdf.path }, trust, at, this.keys.onlineRevocation) };
  }

  private trustOrError(): { anchorsPem: string[]; crlsPem: string[] } | Error {
    try {
      return this.keys.trust();
    } catch (error) {
      return error as Error;
    }
  }
}

/**
 * The page count for the Decree 30 record, read by the same bounded parser that verifies the
 * signatures (a decompression bomb fails fast instead of inflating in a second parser); 0 when
 * the file cannot be read, as before.
 */
function pagesOf(path: string): number {
  try {
    return pageCount(path);
  } catch {
    return 0;
  }
}
