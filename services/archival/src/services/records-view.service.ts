import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { Directory } from '@edoc/directory';
import { assertSameOrganisation, type Principal } from '@edoc/identity';
import type { ArchiveStore } from '@edoc/storage';
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

  async list(principal: Principal, query: { org?: string; from?: string; to?: string }): Promise<{ records: ArchiveRecord[] }> {
    const isAdmin = principal.roles.includes('admin');
    const org = query.org ?? (isAdmin ? undefined : principal.orgCode);
    if (org !== undefined) {
      if (!this.directory.has(org)) throw new BadRequestException(`org: unknown organisation "${org}"`);
      assertSameOrganisation(principal, org, 'read the archive', { allowAdmin: true });
    }
    const from = query.from === undefined ? undefined : parseDateParameter('from', query.from);
    const to = query.to === undefined ? undefined : parseDateParameter('to', query.to);
    return { records: await this.records.list({ issuerCode: org, from, to }) };
  }

  object(name: string): Promise<Buffer> {
    return this.archive.get(name);
  }
}
