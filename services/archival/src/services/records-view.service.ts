import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Directory } from '@edoc/directory';
import { assertSameOrganisation, type Principal } from '@edoc/identity';
import { type ArchiveStore, ObjectNotFoundError } from '@edoc/storage';
import { parseDateParameter } from '../domain/export-query';
import { type ArchiveRecord, RecordsRepository } from '../repositories/records.repository';
import { ARCHIVE_STORE } from './archive-store.token';

/** Reading the archive's records and objects: an administrator any unit, a clerk their own unit only. */
@Injectable()
export class RecordsViewService {
  constructor(
    private readonly records: RecordsRepository,
    private readonly directory: Directory,
    @Inject(ARCHIVE_STORE) private readonly archive: ArchiveStore,
  ) {}

  /** `asOf` is when the list was read, by the clock that wrote each record's archivedAt (a verifier ages records with it). */
  async list(principal: Principal, query: { org?: string; from?: string; to?: string }): Promise<{ records: ArchiveRecord[]; asOf: Date }> {
    const isAdmin = principal.roles.includes('admin');
    const org = query.org ?? (isAdmin ? undefined : principal.orgCode);
    if (org !== undefined) {
      if (!this.directory.has(org)) throw new BadRequestException(`org: unknown organisation "${org}"`);
      assertSameOrganisation(principal, org, 'read the archive', { allowAdmin: true });
    }
    const from = query.from === undefined ? undefined : parseDateParameter('from', query.from);
    const to = query.to === undefined ? undefined : parseDateParameter('to', query.to);
    const records = await this.records.list({ issuerCode: org, from, to });
    return { records, asOf: await this.records.now() };
  }

  /** One archived object as a stream: a document of any size is served without being held in memory. */
  async object(name: string): Promise<{ stream: Readable; size: number }> {
    const found = await this.archive.stat(name);
    if (found === undefined) throw new ObjectNotFoundError(name);
    return { stream: await this.archive.getStream(name), size: found.size };
  }
}
