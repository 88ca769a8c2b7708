import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { envInt } from '@edoc/config';
import { PeriodicTask, ServiceReadiness } from '@edoc/runtime';
import { JobsRepository } from '../repositories/jobs.repository';
import { SigningService } from './signing.service';

/**
 * Work that waits for the HSM: approved requests whose person's signature could not be made, and
 * numbered documents whose seal could not be applied. Every EDOC_APPROVAL_RETRY_SECONDS (15) this
 * tries them again, once the HSM answers. Nothing is lost and nothing is signed twice: only the
 * move out of "approved", and out of "person_signed", emits.
 */
@Injectable()
export class WaitingApprovalsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WaitingApprovalsService.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly signing: SigningService,
    readiness: ServiceReadiness,
  ) {
    this.task = new PeriodicTask('retrying waiting approvals', envInt('EDOC_APPROVAL_RETRY_SECONDS', 15) * 1000, () => this.retry(), readiness, this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async retry(): Promise<void> {
    for (const job of await this.jobs.waitingForHsm('approved', 20)) {
      const outcome = await this.signing.signApproved(job);
      if (outcome === 'waiting') break;
      if (outcome === 'signed') this.logger.log(`signed ${job.documentId}, approved by ${job.approval?.approvedBy ?? '?'} while the HSM was away`);
    }
    for (const job of await this.jobs.waitingForHsm('person_signed', 20)) {
      const outcome = await this.signing.issue(job);
      if (outcome === 'waiting') break;
      if (outcome === 'issued') this.logger.log(`sealed ${job.documentId}, numbered while the HSM was away`);
    }
  }
}
