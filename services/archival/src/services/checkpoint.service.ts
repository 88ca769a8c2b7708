import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { buildCheckpointBody, checkpointFile, checkpointSignatureFile } from '@edoc/audit';
import { Database } from '@edoc/db';
import { ServiceReadiness } from '@edoc/runtime';
import type { ArchiveStore } from '@edoc/storage';
import { ARCHIVAL_SETTINGS, type ArchivalSettings } from '../config/archival-settings';
import { AuditEntriesRepository } from '../repositories/audit-entries.repository';
import { type CheckpointRow, CheckpointsRepository } from '../repositories/checkpoints.repository';
import { ArchiveKeysService } from './archive-keys.service';
import { ARCHIVE_STORE } from './archive-store.token';

/** Where the write-once copy of a checkpoint lives in the archive. */
export const CHECKPOINT_PREFIX = 'audit/';
export const checkpointArchiveName = (checkpointNumber: number) => `${CHECKPOINT_PREFIX}${checkpointFile(checkpointNumber)}`;
export const checkpointSignatureArchiveName = (checkpointNumber: number) => `${CHECKPOINT_PREFIX}${checkpointSignatureFile(checkpointNumber)}`;

// One lock id for "making a checkpoint", whichever archival instance does it.
const CHECKPOINT_LOCK = `hashtext('edoc.archival.checkpoint')`;
const TICK_MS = 15_000;

/**
 * Signs a checkpoint over the entries not yet covered once N of them are waiting, or once the oldest
 * has waited M minutes, and keeps a write-once copy of each checkpoint in the archive. Several
 * instances may run it: an advisory lock lets one make a checkpoint at a time, and the next one
 * starts where the last committed checkpoint ended.
 */
@Injectable()
export class CheckpointService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CheckpointService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  /**
   * Entries waiting for a checkpoint, as of the last check plus those appended here since. Whether
   * one is due by count was a transaction of four statements after every append (about 13 % of
   * all statements in bench:e2e); now the database is asked when this count says it may be due,
   * and the timer asks for the age limit. Entries other instances append are not counted here, so
   * the count errs low; the timer's check corrects it.
   */
  private uncoveredEstimate = Number.POSITIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly entries: AuditEntriesRepository,
    private readonly checkpoints: CheckpointsRepository,
    private readonly keys: ArchiveKeysService,
    private readonly readiness: ServiceReadiness,
    @Inject(ARCHIVAL_SETTINGS) private readonly settings: ArchivalSettings,
    @Inject(ARCHIVE_STORE) private readonly archive: ArchiveStore,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.check(), Math.min(TICK_MS, this.settings.checkpointIntervalMs));
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Says an entry was appended: checks, in the background, whether a checkpoint is due by count. */
  nudge(): void {
    this.uncoveredEstimate++;
    if (this.uncoveredEstimate >= this.settings.checkpointEntries) this.check();
  }

  /** Checks, in the background, whether a checkpoint is due; calls while one check runs fold into one more. */
  check(): void {
    if (this.stopping || !this.readiness.isReady()) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.run(false)
      .catch((error: Error) => this.logger.warn(`checkpoint not made: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.check();
        }
      });
  }

  /** Signs checkpoints over every entry appended so far (an export needs each of its entries covered). Returns the last checkpoint. */
  async seal(): Promise<CheckpointRow | undefined> {
    await this.running;
    await this.run(true);
    return this.checkpoints.last();
  }

  private async run(force: boolean): Promise<void> {
    // A backlog of more than N entries becomes several checkpoints of N. A stop waits for the one
    // being made only: the rest of a long backlog would hold it past its deadline, and the next
    // start picks up where the last committed checkpoint ended.
    while (!this.stopping && (await this.makeOne(force))) {
      // one more
    }
    await this.storeWriteOnceCopies();
  }

  /** Makes one checkpoint when one is due; false when none was. */
  async makeOne(force: boolean, now = new Date()): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (force) {
        await tx.query(`SELECT pg_advisory_xact_lock(${CHECKPOINT_LOCK})`);
      } else {
        const { rows } = await tx.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) AS locked`);
        if (!rows[0].locked) return false; // another instance is making it
      }
      const last = await this.checkpoints.last(tx);
      // Whether one is due is a count; the entries are read only when it is.
      const uncovered = await this.entries.uncovered(last?.lastSeq ?? 0, tx);
      this.uncoveredEstimate = uncovered.count;
      if (uncovered.count === 0 || uncovered.oldestRecordedAt === undefined) return false;
      const due = force || uncovered.count >= this.settings.checkpointEntries || now.getTime() - uncovered.oldestRecordedAt.getTime() >= this.settings.checkpointIntervalMs;
      if (!due) return false;
      const batch = await this.entries.page(last?.lastSeq ?? 0, this.settings.checkpointEntries, tx);
      const { body, parsed } = buildCheckpointBody(last, batch, now);
      const signature = await this.keys.sign(Buffer.from(body, 'utf8'));
      await this.checkpoints.insert(tx, { number: parsed.number, firstSeq: parsed.firstSeq, lastSeq: parsed.lastSeq, body, signature, createdAt: now });
      this.logger.log(`checkpoint ${parsed.number} signed over entries ${parsed.firstSeq}..${parsed.lastSeq}`);
      return true;
    });
  }

  /** Copies committed checkpoints into the write-once archive (after the commit, so a rolled-back one is never kept). */
  async storeWriteOnceCopies(): Promise<void> {
    for (const checkpoint of await this.checkpoints.notYetStoredWriteOnce()) {
      await this.archive.putOnce(checkpointArchiveName(checkpoint.number), Buffer.from(checkpoint.body, 'utf8'), { mediaType: 'application/json' });
      await this.archive.putOnce(checkpointSignatureArchiveName(checkpoint.number), checkpoint.signature, { mediaType: 'application/pkcs7-signature' });
      await this.checkpoints.markStoredWriteOnce(checkpoint.number);
    }
  }
}
