import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Database } from '@edoc/db';
import { PeriodicTask, ServiceReadiness } from '@edoc/runtime';
import { type ArchiveRecord, RecordsRepository } from '../repositories/records.repository';
import { AuditTrailService } from './audit-trail.service';
import { CheckpointService } from './checkpoint.service';

export const RETENTION_EXPIRED_ENTRY_TYPE = 'archive.retention_expired';
const HOUR_MS = 3_600_000;

export interface DisposalCandidate {
  documentId: string;
  edxmlDocumentId: string;
  issuerCode: string;
  retentionClass: string;
  retainUntil: string;
  archivedAt: string;
  lockMode: string;
  objects: number;
  /** When the item was first put on the review list (and the audit chain says so). */
  listedAt: string | null;
}

/**
 * Items whose retention has ended are listed for a disposal review by people. Nothing here deletes:
 * the first listing of each item is itself an entry of the audit chain, so no document can leave
 * the archive without a trace of when it became eligible.
 */
@Injectable()
export class DisposalReviewService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DisposalReviewService.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: Database,
    private readonly records: RecordsRepository,
    private readonly audit: AuditTrailService,
    private readonly checkpoints: CheckpointService,
    readiness: ServiceReadiness,
  ) {
    this.task = new PeriodicTask('disposal listing', HOUR_MS, () => this.recordNewlyExpired(), readiness, this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Records past their retention at `at`, after recording the newly eligible ones in the audit chain. */
  async review(at = new Date()): Promise<DisposalCandidate[]> {
    await this.recordNewlyExpired(at);
    return (await this.records.pastRetention(at)).map(candidate);
  }

  async recordNewlyExpired(at = new Date()): Promise<number> {
    let listed = 0;
    for (const record of await this.records.pastRetention(at)) {
      if (record.disposalListedAt !== null) continue;
      const appended = await this.db.transaction(async (tx) => {
        if (!(await this.records.markListedForDisposal(tx, record.documentId, at))) return false;
        await this.audit.append(tx, {
          type: RETENTION_EXPIRED_ENTRY_TYPE,
          messageId: `retention-expired:${record.documentId}`,
          documentId: record.documentId,
          orgCodes: [record.issuerCode],
          occurredAt: (record.retainUntil ?? at).toISOString(),
          recordedAt: at.toISOString(),
          summary: `retention ${record.retentionClass} of ${record.edxmlDocumentId} ended on ${record.retainUntil?.toISOString() ?? '?'}: listed for a disposal review, nothing deleted`,
          payload: { documentId: record.documentId, edxmlDocumentId: record.edxmlDocumentId, retentionClass: record.retentionClass, retainUntil: record.retainUntil?.toISOString() ?? null },
        });
        return true;
      });
      if (appended) listed++;
    }
    if (listed > 0) {
      this.logger.log(`${listed} archived document(s) reached the end of their retention and are listed for a disposal review`);
      this.checkpoints.nudge();
    }
    return listed;
  }
}

function candidate(record: ArchiveRecord): DisposalCandidate {
  return {
    documentId: record.documentId,
    edxmlDocumentId: record.edxmlDocumentId,
    issuerCode: record.issuerCode,
    retentionClass: record.retentionClass,
    retainUntil: (record.retainUntil as Date).toISOString(),
    archivedAt: record.archivedAt.toISOString(),
    lockMode: record.lockMode,
    objects: record.objects.length,
    listedAt: record.disposalListedAt?.toISOString() ?? null,
  };
}
