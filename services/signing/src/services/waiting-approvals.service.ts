import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { envInt } from '@edoc/config';
import { ServiceReadiness } from '@edoc/runtime';
import { JobsRepository } from '../repositories/jobs.repository';
import { SigningService } from './signing.service';

/**
 * Approved requests whose signature could not be made (the HSM did not answer) wait in the state
 * approved; this signs them once the HSM is back, every EDOC_APPROVAL_RETRY_SECONDS (15). An
 * approval is never lost and never signed twice: only the move out of "approved" emits.
 */
@Injectable()
export class WaitingApprovalsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WaitingApprovalsService.name);
  private readonly intervalMs = envInt('EDOC_APPROVAL_RETRY_SECONDS', 15) * 1000;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly signing: SigningService,
    private readonly readiness: ServiceReadiness,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.readiness.isReady()) return;
      this.running ??= this.retry().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async retry(): Promise<void> {
    try {
      // Only those left alone for a while: a fresh approval is being signed from the queue.
      const waiting = await this.jobs.approvedBefore(new Date(Date.now() - this.intervalMs), 20);
      for (const job of waiting) {
        const outcome = await this.signing.signApproved(job);
        if (outcome === 'waiting') return;
        if (outcome === 'signed') this.logger.log(`signed ${job.documentId}, approved by ${job.approval?.approvedBy ?? '?'} while the HSM was away`);
      }
    } catch (error) {
      this.logger.warn(`retrying waiting approvals: ${(error as Error).message}`);
    }
  }
}
