import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ARCHIVED_ENTRY_TYPE, archivedObjectsOf, assemblePackage, parseEntryBody, type PackageDocumentInput, type StoredEntry } from '@edoc/audit';
import { Directory } from '@edoc/directory';
import { assertSameOrganisation, type Principal } from '@edoc/identity';
import { parseDateParameter, vietnamDayRange } from '../domain/export-query';
import { AuditEntriesRepository } from '../repositories/audit-entries.repository';
import { CheckpointsRepository } from '../repositories/checkpoints.repository';
import { type ArchiveRecord, RecordsRepository } from '../repositories/records.repository';
import { ArchiveKeysService } from './archive-keys.service';
import { CheckpointService } from './checkpoint.service';

export interface ExportQuery {
  org?: string;
  from?: string;
  to?: string;
}

/** What `edoc archive export` receives: the signed manifest, the files made for the package, and the archived files to fetch. */
export interface ExportResponse {
  manifest: string;
  manifestSignature: string;
  generated: { path: string; content: string }[];
  objects: { path: string; archiveName: string; sha256: string; size: number }[];
  documents: number;
}

/**
 * Builds an export package of one unit's archived documents issued in a date range. An
 * administrator may export any unit; a clerk only their own. Every entry the package proves is
 * first covered by a signed checkpoint, then the manifest is signed by the archive.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly records: RecordsRepository,
    private readonly entries: AuditEntriesRepository,
    private readonly checkpointRows: CheckpointsRepository,
    private readonly checkpoints: CheckpointService,
    private readonly keys: ArchiveKeysService,
    private readonly directory: Directory,
  ) {}

  async export(principal: Principal, query: ExportQuery): Promise<ExportResponse> {
    const org = query.org ?? '';
    if (org === '') throw new BadRequestException('org: the unit to export is required');
    if (!this.directory.has(org)) throw new BadRequestException(`org: unknown organisation "${org}"`);
    const from = parseDateParameter('from', query.from);
    const to = parseDateParameter('to', query.to);
    if (from > to) throw new BadRequestException(`from ${from} is after to ${to}`);
    assertSameOrganisation(principal, org, 'export the archive', { allowAdmin: true });

    const documents = await Promise.all((await this.records.list({ issuerCode: org, from, to })).map((record) => this.documentInput(record)));
    const { start, end } = vietnamDayRange(from, to);
    const registerEntries = (await this.entries.forOrganisation(org, 'register.recorded', start, end)).map(stored);
    // Sealing after reading: every entry read above was committed before, so a checkpoint covers it.
    try {
      await this.checkpoints.seal();
    } catch (error) {
      throw new ServiceUnavailableException(`cannot sign a checkpoint for the export: ${(error as Error).message}`);
    }
    const seqs = [...documents.flatMap((d) => d.entries), ...registerEntries].map((entry) => entry.seq);
    const checkpoints = await this.checkpointRows.covering(seqs);
    const assembled = assemblePackage({
      org,
      from,
      to,
      createdAt: new Date(),
      exportedBy: principal.username,
      documents,
      registerEntries,
      checkpoints,
      certificates: this.keys.publicCertificates(),
    });
    let signature: Buffer;
    try {
      signature = await this.keys.sign(assembled.manifestBytes);
    } catch (error) {
      throw new ServiceUnavailableException(`cannot sign the manifest: ${(error as Error).message}`);
    }
    return {
      manifest: assembled.manifestBytes.toString('base64'),
      manifestSignature: signature.toString('base64'),
      generated: assembled.generated.map((file) => ({ path: file.path, content: file.bytes.toString('base64') })),
      objects: assembled.objects,
      documents: documents.length,
    };
  }

  /** The document's entries; its files as the audit chain recorded them (the record table is only an index). */
  private async documentInput(record: ArchiveRecord): Promise<PackageDocumentInput> {
    const entries = (await this.entries.forDocument(record.documentId)).map(stored);
    // The first archiving, then each renewal of its time-stamp: every copy the chain recorded.
    const archived = entries.map((entry) => parseEntryBody(entry.body)).filter((body) => body.type === ARCHIVED_ENTRY_TYPE);
    const objects = archived.length === 0 ? record.objects : archived.flatMap((body) => archivedObjectsOf(body));
    return {
      documentId: record.documentId,
      edxmlDocumentId: record.edxmlDocumentId,
      issuedDate: record.issuedDate ?? '',
      retentionClass: record.retentionClass,
      objects: objects.map(({ name, sha256, size }) => ({ name, sha256, size })),
      entries,
    };
  }
}

const stored = ({ seq, hash, body }: StoredEntry): StoredEntry => ({ seq, hash, body });
