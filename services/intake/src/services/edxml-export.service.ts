import { ConflictException, Inject, Injectable, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { Directory } from '@edoc/directory';
import { DEFAULT_MAX_PACKAGE_BYTES, edxmlPackageOf, writePackage } from '@edoc/edxml';
import type { Principal } from '@edoc/identity';
import { OBJECT_STORE } from '@edoc/runtime';
import type { ObjectStore } from '@edoc/storage';
import { isUuid } from '../domain/uuid';
import { DocumentsRepository } from '../repositories/documents.repository';

/**
 * An issued document as an edXML package for the national axis, unsigned: the package is signed
 * with the organisation's axis certificate by whoever sends it (`edoc edxml export`), as intake
 * holds no signing key.
 */
@Injectable()
export class EdxmlExportService {
  constructor(
    private readonly documents: DocumentsRepository,
    private readonly directory: Directory,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async export(principal: Principal, documentId: string): Promise<{ fileName: string; xml: string }> {
    const record = isUuid(documentId) ? await this.documents.find(documentId) : undefined;
    if (record === undefined || (record.issuerCode !== principal.orgCode && !principal.roles.includes('admin'))) {
      throw new NotFoundException(`no document ${documentId} issued by ${principal.orgCode}`);
    }
    if (record.issuedFile === null || record.issuedAt === null || record.metadata.edxmlDocumentId === '') {
      throw new ConflictException(`document ${documentId} is ${record.state.replace('_', ' ')}: only an issued document has an edXML package`);
    }
    const parts = [{ role: 'document' as const, file: record.issuedFile }, ...record.issuedAttachments.map((file) => ({ role: 'attachment' as const, file }))];
    // Base64 makes four bytes of three; refused before any file is read into memory.
    const encodedSize = parts.reduce((sum, { file }) => sum + Math.ceil(Number(file.size) / 3) * 4, 0);
    if (encodedSize > DEFAULT_MAX_PACKAGE_BYTES) {
      throw new PayloadTooLargeException(`the files of document ${documentId} make ${encodedSize} bytes of base64, more than an edXML package may carry (${DEFAULT_MAX_PACKAGE_BYTES})`);
    }
    const concerned = record.metadata.replacesDocumentId === '' ? undefined : await this.documents.find(record.metadata.replacesDocumentId);
    const files = [];
    for (const { role, file } of parts) files.push({ role, fileName: file.fileName, mediaType: file.mediaType, bytes: await this.store.get(file.objectKey) });
    const pkg = edxmlPackageOf({
      metadata: record.metadata,
      issuedAt: record.issuedAt,
      organisation: (code) => this.directory.get(code),
      concernsDocumentId: concerned?.metadata.edxmlDocumentId ?? '',
      files,
      staff: { department: this.directory.get(principal.orgCode)?.name ?? principal.orgCode, name: principal.displayName },
    });
    return { fileName: `${record.metadata.edxmlDocumentId.replace(/[^\p{L}\p{N}.-]+/gu, '_')}.edxml`, xml: writePackage(pkg) };
  }
}
