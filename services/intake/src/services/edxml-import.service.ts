import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictException, ForbiddenException, HttpException, Inject, Injectable, Logger, PayloadTooLargeException, UnprocessableEntityException } from '@nestjs/common';
import { type FileRef, type FileRefSchema, type MessageInitShape, timestampFromDate } from '@edoc/contracts';
import type { EdocConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { DEFAULT_MAX_PACKAGE_BYTES, type EdxmlPackage, importedMetadataOf } from '@edoc/edxml';
import type { Principal } from '@edoc/identity';
import { PermanentMessageError } from '@edoc/messaging';
import { districtTrust, readTrustedRoots, type TrustedRoot } from '@edoc/pki';
import { EDOC_CONFIG, EventOutbox, isUrgent, OBJECT_STORE, pkiDirOf } from '@edoc/runtime';
import { objectKeyFor, removeFile, type ObjectStore } from '@edoc/storage';
import { checkPdfUpload, HEAD_BYTES, TAIL_BYTES } from '../domain/pdf-upload';
import { validateInWorker } from '../edxml/package-validation';
import { EdxmlImportsRepository } from '../repositories/edxml-imports.repository';
import { StagedObjectsRepository } from '../repositories/staged-objects.repository';
import type { StagedFile } from '../uploads/staged-file';
import { RecallService } from './recall.service';

export interface ImportReceipt {
  documentId: string;
  edxmlDocumentId: string;
  from: string;
  /** The units it was registered for; for a recall, those asked to give their copy back. */
  recipients: string[];
  warnings: string[];
  /** A recall of a document imported earlier (documentId is that document's). */
  recall?: true;
}

/**
 * Registers a document from an edXML package of the national axis for the units of this exchange
 * it addresses, after readPackage found nothing wrong with it (structure, fields, signature and
 * its chain to a trusted root). Routing then delivers it like an issued document. A refused
 * package leaves nothing behind: no record, no stored file, no event.
 */
@Injectable()
export class EdxmlImportService {
  private readonly logger = new Logger(EdxmlImportService.name);
  private readonly pkiDir: string;
  private readonly trustedRoots: TrustedRoot[];

  constructor(
    private readonly db: Database,
    private readonly directory: Directory,
    private readonly imports: EdxmlImportsRepository,
    private readonly staged: StagedObjectsRepository,
    private readonly recalls: RecallService,
    private readonly events: EventOutbox,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EDOC_CONFIG) config: EdocConfig,
  ) {
    this.pkiDir = pkiDirOf(config);
    this.trustedRoots = readTrustedRoots(config.trustedRoots);
  }

  async import(principal: Principal, upload: StagedFile | undefined): Promise<ImportReceipt> {
    if (upload === undefined) throw new UnprocessableEntityException(['package: no file in the form field "package"']);
    try {
      if (upload.size > DEFAULT_MAX_PACKAGE_BYTES) throw new PayloadTooLargeException(`the package is ${upload.size} bytes, more than the limit of ${DEFAULT_MAX_PACKAGE_BYTES}`);
      return await this.register(principal, await readFile(upload.path), upload.sha256);
    } finally {
      await removeFile(upload.path);
    }
  }

  /**
   * A package the axis gateway took from the axis (queue intake.axis), imported as an
   * administrator would: a refused one is dead-lettered with every reason, and a repeat (the axis
   * sent it twice, or the message came again) changes nothing.
   */
  async importReceived(ref: FileRef, messageId: string): Promise<ImportReceipt | undefined> {
    if (Number(ref.size) > DEFAULT_MAX_PACKAGE_BYTES) throw new PermanentMessageError(`edXML package from the axis refused: ${ref.size} bytes, more than the limit of ${DEFAULT_MAX_PACKAGE_BYTES}`);
    const bytes = await this.store.get(ref.objectKey);
    if (sha256Of(bytes) !== ref.sha256) throw new PermanentMessageError(`edXML package from the axis refused: object ${ref.objectKey} does not have the SHA-256 of its claim check`);
    try {
      return await this.register(AXIS_GATEWAY, bytes, ref.sha256);
    } catch (error) {
      if (error instanceof ConflictException) {
        this.logger.log(`package ${ref.sha256} of message ${messageId} changed nothing: ${error.message}`);
        return undefined;
      }
      if (error instanceof HttpException) throw new PermanentMessageError(`edXML package from the axis refused: ${reasonsOf(error).join('; ')}`);
      throw error;
    }
  }

  private async register(principal: Principal, bytes: Buffer, packageSha256: string): Promise<ImportReceipt> {
    const result = await validateInWorker(bytes, this.trust());
    if (!result.ok) throw new UnprocessableEntityException(result.reasons);
    const { pkg } = result;
    const from = pkg.header.from.organId;
    if (this.directory.isLocalUnit(from)) throw new UnprocessableEntityException([`MessageHeader/From: ${from} is a unit of this exchange; its documents are issued here, not imported`]);
    if (pkg.business.docType === 1) return this.recall(principal, pkg, from, packageSha256);
    // An update or a replacement is a new document that names the one it concerns, imported earlier from the same organ.
    const concerned = pkg.business.docType === 0 ? undefined : await this.imports.find(from, pkg.business.documentId);
    if (pkg.business.docType !== 0 && concerned === undefined) {
      throw new UnprocessableEntityException([`TraceHeaderList/Bussiness/DocumentId: ${pkg.business.documentId} from ${from} was never imported here; there is nothing to ${pkg.business.docType === 2 ? 'update' : 'replace'}`]);
    }
    const recipients = pkg.header.to.map((to) => to.organId).filter((code) => this.directory.isLocalUnit(code));
    if (recipients.length === 0) throw new UnprocessableEntityException([`MessageHeader/To: the package addresses none of this exchange's units (${pkg.header.to.map((to) => to.organId).join(', ')})`]);
    if (!principal.roles.includes('admin') && !recipients.includes(principal.orgCode)) {
      throw new ForbiddenException(`the package addresses ${recipients.join(', ')}, not ${principal.orgCode}: a clerk of an addressed unit or an administrator imports it`);
    }
    const earlier = await this.imports.find(from, pkg.header.documentId);
    if (earlier !== undefined) throw new ConflictException(`${pkg.header.documentId} from ${from} was imported already, as document ${earlier.documentId} (${earlier.importedAt.toISOString()})`);

    const documentId = randomUUID();
    const [main, ...rest] = pkg.attachments;
    if (main === undefined) throw new UnprocessableEntityException(['AttachmentEncoded: the package carries no document']);
    // The same door as a submission's: every file a PDF, whole; the package's signature says who sent it, not what it is.
    const notPdf = pkg.attachments.flatMap((a, i) => checkPdfUpload(`AttachmentEncoded/Attachment[${i + 1}] (${a.name.slice(0, 100)})`, { size: a.bytes.length, head: a.bytes.subarray(0, HEAD_BYTES), tail: a.bytes.subarray(-TAIL_BYTES) }, Number.MAX_SAFE_INTEGER)?.reason ?? []);
    if (notPdf.length > 0) throw new UnprocessableEntityException(notPdf);
    // Noted before they are written: should the import fail after, the sweeper removes what is unreferenced.
    const notes = await this.staged.note(pkg.attachments.map((a) => objectKeyFor(sha256Of(a.bytes))));
    const stored: MessageInitShape<typeof FileRefSchema>[] = [];
    for (const a of pkg.attachments) {
      const object = await this.store.put(a.bytes);
      stored.push({ objectKey: object.key, sha256: object.sha256, size: BigInt(object.size), mediaType: a.contentType, fileName: a.name });
    }
    const metadata = importedMetadataOf(pkg, documentId, recipients, concerned?.documentId ?? '');
    const importedAt = new Date();
    await this.db.transaction(async (tx) => {
      const fresh = await this.imports.insert(tx, {
        organId: from,
        edxmlDocumentId: pkg.header.documentId,
        documentId,
        packageSha256,
        signerSubject: result.signer.subject.replace(/\n/g, ', '),
        recipientCodes: recipients,
        objectKeys: stored.map((s) => s.objectKey as string),
        importedBy: principal.username,
      });
      if (!fresh) throw new ConflictException(`${pkg.header.documentId} from ${from} was imported already, a moment ago`);
      await this.staged.clear(tx, notes);
      await this.events.emit(tx, 'documentImported', {
        metadata,
        file: stored[0],
        attachments: stored.slice(1),
        importedAt: timestampFromDate(importedAt),
        packageSha256,
        signerSubject: result.signer.subject.replace(/\n/g, ', '),
      }, { urgent: isUrgent(metadata.priority) });
    });
    this.logger.log(`imported ${pkg.header.documentId} from ${from} as ${documentId} for ${recipients.join(', ')} (${rest.length} attachment(s) beside the document)`);
    return { documentId, edxmlDocumentId: pkg.header.documentId, from, recipients, warnings: result.warnings };
  }

  /** A recall package (BussinessDocType 1): Bussiness/DocumentId names the document imported earlier. */
  private async recall(principal: Principal, pkg: EdxmlPackage, from: string, packageSha256: string): Promise<ImportReceipt> {
    const target = await this.imports.find(from, pkg.business.documentId);
    if (target === undefined) throw new UnprocessableEntityException([`TraceHeaderList/Bussiness/DocumentId: ${pkg.business.documentId} from ${from} was never imported here; there is nothing to recall`]);
    const recipients = (await this.imports.ofDocument(target.documentId))?.recipientCodes ?? [];
    if (!principal.roles.includes('admin') && !recipients.includes(principal.orgCode)) {
      throw new ForbiddenException(`the recall concerns ${recipients.join(', ')}, not ${principal.orgCode}: a clerk of one of them or an administrator imports it`);
    }
    const reason = pkg.business.reason.trim() || 'Thu hồi theo yêu cầu của cơ quan gửi';
    const receipt = await this.recalls.recallImported(target.documentId, from, reason, pkg.business.staff.staff || from, new Date(), async (tx) => {
      const fresh = await this.imports.insertRecall(tx, { packageSha256, organId: from, edxmlDocumentId: pkg.business.documentId, documentId: target.documentId, importedBy: principal.username });
      if (!fresh) throw new ConflictException(`this recall of ${pkg.business.documentId} (package SHA-256 ${packageSha256}) was taken already`);
    });
    this.logger.log(`recall of ${pkg.business.documentId} from ${from}: asked ${receipt.recalling.join(', ')}`);
    return { documentId: target.documentId, edxmlDocumentId: pkg.business.documentId, from, recipients: receipt.recalling, warnings: [], recall: true };
  }

  /** The district's root and the configured ones; the district's issuing CA links its own signers. */
  private trust(): { trusted: X509Certificate[]; intermediates: X509Certificate[] } {
    const issuing = join(this.pkiDir, 'issuing-ca.cert.pem');
    return {
      trusted: districtTrust(this.pkiDir, this.trustedRoots).anchorsPem.map((pem) => new X509Certificate(pem)),
      intermediates: existsSync(issuing) ? [new X509Certificate(readFileSync(issuing))] : [],
    };
  }
}

/** Who imports what the gateway brings: recorded as the importer, with an administrator's reach. */
const AXIS_GATEWAY: Principal = { userId: 'axis-gateway', username: 'axis-gateway', orgCode: '', roles: ['admin'], displayName: 'axis gateway' };

function reasonsOf(error: HttpException): string[] {
  const response = error.getResponse();
  const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
  return Array.isArray(message) ? message.map(String) : [String(message ?? error.message)];
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
