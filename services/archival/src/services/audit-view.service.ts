import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { StoredCheckpoint } from '@edoc/audit';
import type { ArchiveStore } from '@edoc/storage';
import { AuditEntriesRepository, type AuditEntryRow } from '../repositories/audit-entries.repository';
import { CheckpointsRepository } from '../repositories/checkpoints.repository';
import { ARCHIVE_STORE } from './archive-store.token';
import { CHECKPOINT_PREFIX } from './checkpoint.service';

const MAX_PAGE = 5000;

export interface CheckpointView {
  number: number;
  body: string;
  /** Base64 DER of the CMS signature. */
  signature: string;
}

/** The raw audit trail for a verifier: it checks everything itself, trusting nothing the service says about it. */
@Injectable()
export class AuditViewService {
  constructor(
    private readonly entries: AuditEntriesRepository,
    private readonly checkpoints: CheckpointsRepository,
    @Inject(ARCHIVE_STORE) private readonly archive: ArchiveStore,
  ) {}

  async entryPage(after: string | undefined, limit: string | undefined): Promise<{ entries: AuditEntryRow[]; head: { seq: number; hash: string } }> {
    const afterSeq = after === undefined ? 0 : Number(after);
    const size = limit === undefined ? 1000 : Number(limit);
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new BadRequestException(`after: "${after}" is not an entry number`);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new BadRequestException(`limit: "${limit}" is not between 1 and ${MAX_PAGE}`);
    const [entries, head] = await Promise.all([this.entries.page(afterSeq, size), this.entries.head()]);
    return { entries, head };
  }

  /** The checkpoints in the database and, separately, the write-once copies in the archive. */
  async checkpointsWithCopies(): Promise<{ checkpoints: CheckpointView[]; writeOnceCopies: CheckpointView[] }> {
    const rows = await this.checkpoints.all();
    const names = new Set(await this.archive.list(CHECKPOINT_PREFIX));
    const copies: CheckpointView[] = [];
    for (const name of [...names].filter((n) => n.endsWith('.json')).sort()) {
      const number = Number(/(\d+)\.json$/.exec(name)?.[1]);
      if (!Number.isSafeInteger(number) || !names.has(`${name}.p7s`)) continue;
      copies.push({ number, body: (await this.archive.get(name)).toString('utf8'), signature: (await this.archive.get(`${name}.p7s`)).toString('base64') });
    }
    return { checkpoints: rows.map(view), writeOnceCopies: copies };
  }
}

const view = (checkpoint: StoredCheckpoint): CheckpointView => ({ number: checkpoint.number, body: checkpoint.body, signature: checkpoint.signature.toString('base64') });
