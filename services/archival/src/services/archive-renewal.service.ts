import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ARCHIVED_ENTRY_TYPE } from '@edoc/audit';
import type { EdocConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import { verifyPdf } from '@edoc/pdf-sign';
import { EDOC_CONFIG, PeriodicTask, ServiceReadiness } from '@edoc/runtime';
import { type ArchiveStore, scratchPath, withScratchFolder } from '@edoc/storage';
import { ARCHIVAL_SETTINGS, type ArchivalSettings } from '../config/archival-settings';
import { timestampHorizon } from '../domain/timestamp-horizon';
import { type ArchivedObject, type ArchiveRecord, type PendingRenewal, RecordsRepository } from '../repositories/records.repository';
import { ArchivalMetrics } from './archival-metrics';
import { ArchiveKeysService } from './archive-keys.service';
import { ARCHIVE_STORE } from './archive-store.token';
import { AuditTrailService } from './audit-trail.service';
import { CheckpointService } from './checkpoint.service';
import { copyOut, makeRenewedCopy, sha256Of } from './renewed-copy';

const DAY_MS = 24 * 3600_000;
/** Records handled in one pass: a large backlog is worked off over several passes, never all at once. */
const BATCH = 50;

/** `reach`: how far the TSA's certificate reaches, when that is why the renewal is blocked. */
export type RenewalOutcome = { kind: 'renewed'; objects: ArchivedObject[]; horizon: Date } | { kind: 'blocked'; reason: string; reach?: Date };

export interface RenewalPass {
  renewed: number;
  blocked: number;
  failed: number;
}

/**
 * Keeps archived documents provable for as long as they are kept. A document's newest time-stamp
 * proves nothing once its TSA's certificate expires; before that (EDOC_ARCHIVE_RENEW_BEFORE_DAYS),
 * the current copy gets the district CA's latest validation data and a new document time-stamp
 * (PAdES B-LTA renewal), and is archived again write-once beside the earlier copies, recorded in
 * the audit chain. When the TSA can give no later horizon (its own certificate expires no later),
 * the record says so and the blocked-renewals gauge rises: that is for an operator to fix.
 */
@Injectable()
export class ArchiveRenewalService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ArchiveRenewalService.name);
  private readonly task: PeriodicTask;
  private readonly scratch: string;

  constructor(
    private readonly db: Database,
    private readonly records: RecordsRepository,
    private readonly keys: ArchiveKeysService,
    private readonly audit: AuditTrailService,
    private readonly checkpoints: CheckpointService,
    private readonly metrics: ArchivalMetrics,
    @Inject(ARCHIVE_STORE) private readonly archive: ArchiveStore,
    @Inject(ARCHIVAL_SETTINGS) private readonly settings: ArchivalSettings,
    @Inject(EDOC_CONFIG) config: Pick<EdocConfig, 'dataDir'>,
    readiness: ServiceReadiness,
  ) {
    this.scratch = scratchPath(config, 'archive-renewal');
    this.task = new PeriodicTask('time-stamp renewal', settings.renewalIntervalMs, () => this.renewDue(), readiness, this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass: horizons not read yet are read, then the documents due are renewed, the most urgent first. */
  async renewDue(now = new Date()): Promise<RenewalPass> {
    await this.readUnknownHorizons();
    const due = await this.records.dueForRenewal(new Date(now.getTime() + this.settings.renewBeforeDays * DAY_MS), BATCH);
    const pass: RenewalPass = { renewed: 0, blocked: 0, failed: 0 };
    // Once the TSA could not reach past a horizon, it cannot reach past a later one in this pass either.
    let reach: Date | undefined;
    for (const record of due) {
      let outcome: RenewalOutcome | undefined;
      try {
        outcome = reach !== undefined && record.timestampHorizon !== null && record.timestampHorizon >= reach ? blockedBy(reach, record.timestampHorizon) : await this.renewAlone(record, now);
      } catch (error) {
        pass.failed++;
        this.metrics.renewals.inc({ outcome: 'failed' });
        this.logger.warn(`renewing the time-stamp of ${record.edxmlDocumentId} failed, tried again next pass: ${(error as Error).message}`);
        continue;
      }
      if (outcome === undefined) continue; // another instance has it
      this.metrics.renewals.inc({ outcome: outcome.kind });
      if (outcome.kind === 'renewed') {
        pass.renewed++;
        continue;
      }
      pass.blocked++;
      reach = outcome.reach ?? reach;
      if (record.renewalBlocked !== outcome.reason) {
        await this.records.markRenewalBlocked(record.documentId, outcome.reason);
        this.logger.error(`the time-stamp of archived ${record.edxmlDocumentId} cannot be renewed: ${outcome.reason}`);
      }
    }
    if (pass.renewed > 0) this.checkpoints.nudge();
    return pass;
  }

  /**
   * renew, by one archival instance at a time per record: two instances renewing the same record at
   * once would each time-stamp and write copies, and one set would stay in the write-once store
   * unlisted. Undefined when another instance holds the record, or renewed it since it was read.
   */
  private async renewAlone(record: ArchiveRecord, now: Date): Promise<RenewalOutcome | undefined> {
    return this.db.ifLockFree(['edoc.archival.renewal', record.documentId], async () => {
      const fresh = await this.records.find(record.documentId);
      if (fresh === undefined || fresh.timestampHorizon?.getTime() !== record.timestampHorizon?.getTime()) return undefined;
      return this.renew(fresh, now);
    });
  }

  /**
   * The current copies of the document and of each signed attachment, with validation data and a new
   * document time-stamp, archived again; or why not. An attachment's own signatures (often under
   * another CA) need a proof of existence as much as the document's do.
   */
  private async renew(record: ArchiveRecord, now: Date): Promise<RenewalOutcome> {
    const current = currentCopyOf(record, 'document');
    if (current === undefined || record.timestampHorizon === null) return { kind: 'blocked', reason: 'the record lists no time-stamped document' };
    if (record.renewalPending !== null) {
      const adopted = await this.adoptPending(record, record.renewalPending, now);
      if (adopted !== undefined) return adopted;
    }
    const renewal = record.renewals + 1;
    const folder = dirname(current.name);
    return withScratchFolder(async (dir) => {
      const from = { keys: this.keys, archive: this.archive };
      const document = await makeRenewedCopy(from, current, { nameFor: (sha) => `${folder}/document-renewed-${renewal}-${sha.slice(0, 12)}.pdf`, role: 'renewed-document' }, dir, now, { skipUnsigned: false });
      if (document.kind !== 'made') return { kind: 'blocked', reason: document.kind === 'blocked' ? document.reason : 'the document has no signature' };
      if (document.horizon <= record.timestampHorizon!) return blockedBy(document.horizon, record.timestampHorizon!);
      const copies = [document];
      for (const attachment of record.objects.filter((object) => object.role === 'attachment')) {
        const base = attachment.name.slice(folder.length + 1).replace(/\.pdf$/, '');
        const source = currentCopyOf(record, attachment.name) as ArchivedObject;
        const copy = await makeRenewedCopy(from, source, { nameFor: (sha) => `${folder}/${base}-renewed-${renewal}-${sha.slice(0, 12)}.pdf`, role: 'renewed-attachment', of: attachment.name }, dir, now, { skipUnsigned: true });
        if (copy.kind === 'blocked') return { kind: 'blocked', reason: copy.reason };
        if (copy.kind === 'made') copies.push(copy);
      }
      // The record is due again when the first of its new time-stamps expires.
      const horizon = new Date(Math.min(...copies.map((copy) => copy.horizon.getTime())));
      const objects = copies.map((copy) => copy.object);
      // Named before they are written: copies written but not listed (the update below failed) are found and listed next pass.
      await this.records.setRenewalPending(record.documentId, { objects, horizon: horizon.toISOString() });
      for (const copy of copies) await this.archive.putOnce(copy.object.name, createReadStream(copy.path), { retainUntil: record.retainUntil ?? undefined, mediaType: 'application/pdf' });
      await this.recordRenewal(record, objects, horizon, now);
      return { kind: 'renewed', objects, horizon };
    }, this.scratch);
  }

  /**
   * A renewal that wrote its copies and failed before listing them: they are listed now, as they are,
   * and no second copies are made. Copies that were not all written (the failure came first) are forgotten.
   */
  private async adoptPending(record: ArchiveRecord, pending: PendingRenewal, now: Date): Promise<RenewalOutcome | undefined> {
    for (const object of pending.objects) {
      if ((await this.archive.stat(object.name)) === undefined) {
        await this.records.setRenewalPending(record.documentId, null);
        return undefined;
      }
      const stored = await sha256Of(await this.archive.getStream(object.name));
      if (stored !== object.sha256) return { kind: 'blocked', reason: `the archive holds ${object.name} with SHA-256 ${stored}, not the ${object.sha256} the renewal wrote` };
    }
    const horizon = new Date(pending.horizon);
    await this.recordRenewal(record, pending.objects, horizon, now);
    this.logger.log(`listed the renewed copies ${pending.objects.map((object) => object.name).join(', ')} that an earlier pass wrote and could not record`);
    return { kind: 'renewed', objects: pending.objects, horizon };
  }

  private async recordRenewal(record: ArchiveRecord, objects: ArchivedObject[], horizon: Date, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.records.recordRenewal(tx, record.documentId, record.timestampHorizon!, objects, horizon))) return;
      await this.audit.append(tx, {
        type: ARCHIVED_ENTRY_TYPE,
        messageId: `renewal:${record.documentId}:${record.renewals + 1}`,
        documentId: record.documentId,
        orgCodes: [record.issuerCode],
        occurredAt: now.toISOString(),
        recordedAt: now.toISOString(),
        summary: `renewed the time-stamp of ${record.edxmlDocumentId}${objects.length > 1 ? ` and ${objects.length - 1} signed attachment(s)` : ''} (renewal ${record.renewals + 1}): validation data and a document time-stamp, provable until ${horizon.toISOString()}`,
        payload: {
          documentId: record.documentId,
          edxmlDocumentId: record.edxmlDocumentId,
          issuerCode: record.issuerCode,
          renewal: record.renewals + 1,
          previousHorizon: record.timestampHorizon!.toISOString(),
          horizon: horizon.toISOString(),
          objects: objects.map((object) => ({ name: object.name, sha256: object.sha256, size: object.size, role: object.role, mediaType: object.mediaType, ...(object.of === undefined ? {} : { of: object.of }) })),
        },
      });
    });
    this.logger.log(`renewed the time-stamp of archived ${record.edxmlDocumentId}: provable until ${horizon.toISOString()} (was ${record.timestampHorizon!.toISOString()})`);
  }

  /** Records archived before horizons were kept: their current copy is read once. */
  private async readUnknownHorizons(): Promise<void> {
    for (const record of await this.records.withUnreadHorizon(BATCH)) {
      const current = currentCopyOf(record, 'document');
      const horizon = current === undefined ? undefined : await withScratchFolder(async (dir) => timestampHorizon(verifyPdf(await copyOut(this.archive, current, join(dir, 'current.pdf')), this.keys.trust())), this.scratch);
      await this.records.setHorizon(record.documentId, horizon ?? null);
    }
  }
}

/** The document (or the attachment of that name) as it stands: its latest renewed copy, or the archived one. */
function currentCopyOf(record: ArchiveRecord, which: 'document' | string): ArchivedObject | undefined {
  const isIt = (object: ArchivedObject) =>
    which === 'document' ? object.role === 'renewed-document' || object.role === 'document' : object.name === which || (object.role === 'renewed-attachment' && object.of === which);
  return [...record.objects].reverse().find(isIt);
}

function blockedBy(reach: Date, horizon: Date): RenewalOutcome {
  return {
    kind: 'blocked',
    reach,
    reason: `the time-stamp authority's certificate expires ${reach.toISOString()}, no later than the current time-stamp's horizon ${horizon.toISOString()}: a new time-stamp would prove nothing longer (renew the TSA's certificate)`,
  };
}

