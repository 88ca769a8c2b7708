import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { envInt } from '@edoc/config';
import type { EdocConfig } from '@edoc/config';
import { EDOC_CONFIG, OBJECT_STORE, PeriodicTask, ServiceReadiness } from '@edoc/runtime';
import { removeFilesOlderThan } from '../uploads/remove-old-files';
import type { ObjectStore } from '@edoc/storage';
import { StagedObjectsRepository } from '../repositories/staged-objects.repository';

export interface SweepResult {
  deleted: number;
  kept: number;
}

/**
 * Deletes the objects that failed submissions stored and no document or delivery references: a
 * submission notes each object before storing it and drops the note when it records the document,
 * so a note older than the grace period is what a failure left behind.
 */
@Injectable()
export class OrphanSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrphanSweeper');
  readonly graceSeconds = envInt('EDOC_ORPHAN_GRACE_SECONDS', 3600);
  private readonly task: PeriodicTask;

  constructor(
    private readonly staged: StagedObjectsRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EDOC_CONFIG) private readonly config: EdocConfig,
    readiness: ServiceReadiness,
  ) {
    this.task = new PeriodicTask('sweep', envInt('EDOC_ORPHAN_SWEEP_SECONDS', 600) * 1000, () => this.sweep(), readiness, this.logger);
  }

  onApplicationBootstrap(): void {
    // Staging files of uploads a crash interrupted: no response will ever remove them.
    void removeFilesOlderThan(this.config.uploadDir, this.graceSeconds * 1000).catch((error: Error) => this.logger.warn(`cleaning ${this.config.uploadDir} failed: ${error.message}`));
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One round: every stale note, oldest first. */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { deleted: 0, kept: 0 };
    for (;;) {
      const keys = await this.staged.stale(this.graceSeconds);
      if (keys.length === 0) break;
      for (const key of keys) {
        const outcome = await this.staged.settle(key, this.graceSeconds, () => this.store.delete(key));
        if (outcome === 'deleted') result.deleted++;
        if (outcome === 'kept') result.kept++;
      }
    }
    if (result.deleted > 0) this.logger.log(`deleted ${result.deleted} object(s) that failed submissions left behind`);
    return result;
  }
}
