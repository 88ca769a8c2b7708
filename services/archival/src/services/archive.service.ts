import { Inject, Injectable, Logger } from '@nestjs/common';
import { DocumentIssued, DocumentMetadataSchema, FileRef, toJson } from '@edoc/contracts';
import { envInt } from '@edoc/config';
import { Database } from '@edoc/db';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { OBJECT_STORE } from '@edoc/runtime';
import type { ArchiveStore, ObjectStore } from '@edoc/storage';
import { ArchivedObject, RecordsRepository } from '../repositories/records.repository';
import { ARCHIVE_STORE } from './archive-store.token';

/** Retention classes: legal normative documents are kept permanently, the rest for a configured number of years. */
export function retentionFor(legalNormative: boolean, issuedAt: Date, years: number): { retentionClass: string; retainUntil: Date | null } {
  if (legalNormative) return { retentionClass: 'permanent', retainUntil: null };
  const until = new Date(issuedAt);
  until.setUTCFullYear(until.getUTCFullYear() + years);
  return { retentionClass: `${years}-years`, retainUntil: until };
}

/** Keeps every issued document write-once: the signed PDF, its attachments and its metadata. */
@Injectable()
export class ArchiveService {
  private readonly logger = new Logger(ArchiveService.name);
  private readonly retentionYears = envInt('EDOC_RETENTION_YEARS', 10);

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly records: RecordsRepository,
    @Inject(OBJECT_STORE) private readonly files: ObjectStore,
    @Inject(ARCHIVE_STORE) private readonly archive: ArchiveStore,
  ) {}

  async onIssued(event: DocumentIssued, messageId: string): Promise<void> {
    const metadata = event.metadata;
    if (metadata === undefined || event.file === undefined) throw new PermanentMessageError('document.issued without metadata or file');
    if (await this.records.exists(metadata.documentId)) return;
    const issuedAt = event.issuedAt ? new Date(Number(event.issuedAt.seconds) * 1000) : new Date();
    const { retentionClass, retainUntil } = retentionFor(metadata.legalNormative, issuedAt, this.retentionYears);
    const base = `${metadata.issuerCode}/${issuedAt.getUTCFullYear()}/${metadata.documentId}`;
    const objects: ArchivedObject[] = [];
    let lockMode = 'none';
    const keep = async (name: string, bytes: Buffer, role: ArchivedObject['role'], mediaType: string) => {
      // putOnce accepts the same bytes again (a redelivery after a crash) and refuses different ones.
      const stored = await this.archive.putOnce(`${base}/${name}`, bytes, { retainUntil: retainUntil ?? undefined, mediaType });
      lockMode = stored.locked;
      objects.push({ name: `${base}/${name}`, sha256: stored.sha256, role });
    };
    await keep('document.pdf', await this.fetch(event.file), 'document', 'application/pdf');
    for (const [index, attachment] of event.attachments.entries()) {
      await keep(`attachment-${index + 1}.pdf`, await this.fetch(attachment), 'attachment', 'application/pdf');
    }
    const metadataJson = Buffer.from(JSON.stringify({ metadata: toJson(DocumentMetadataSchema, metadata), issuedAt: issuedAt.toISOString(), retentionClass }, null, 2));
    await keep('metadata.json', metadataJson, 'metadata', 'application/json');
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'archival.issued'))) return;
      await this.records.insert(tx, { documentId: metadata.documentId, issuerCode: metadata.issuerCode, edxmlDocumentId: metadata.edxmlDocumentId, retentionClass, retainUntil, objects, lockMode });
    });
    this.logger.log(`archived ${metadata.edxmlDocumentId} (${objects.length} objects, ${lockMode})`);
  }

  private async fetch(ref: FileRef): Promise<Buffer> {
    if ((await this.files.stat(ref.objectKey)) === undefined) throw new PermanentMessageError(`claim check points at a missing object ${ref.objectKey}`);
    return this.files.get(ref.objectKey);
  }
}
