import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask, ServiceReadiness } from '@edoc/runtime';
import { AxisClient } from '../axis/axis-client';
import { AxisConfig } from '../axis/axis-config';
import { afterFailure } from '../domain/retry-schedule';
import { OutgoingRepository } from '../repositories/outgoing.repository';
import { GatewayMetrics } from './gateway-metrics';

/**
 * Posts what is due in gateway.outgoing, a few at a time: accepted rows are sent, failures are
 * tried again later (doubling delays) and, after the last attempt or a refusal, the row is dead
 * with its reason, counted, and kept for an administrator to retry.
 */
@Injectable()
export class AxisSenderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AxisSenderService.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly config: AxisConfig,
    private readonly axis: AxisClient,
    private readonly outgoing: OutgoingRepository,
    private readonly metrics: GatewayMetrics,
    readiness: ServiceReadiness,
  ) {
    this.task = new PeriodicTask('posting to the axis', Math.min(config.pollMs, 1000), () => this.sendDue(), readiness, this.logger);
  }

  onApplicationBootstrap(): void {
    if (this.axis.configured) this.task.start();
    else this.logger.warn('no axis configured (EDOC_AXIS_URL): packages to outside organs wait in gateway.outgoing');
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Posts until nothing is due; returns how many posts it made. */
  async sendDue(): Promise<number> {
    const counts = await Promise.all(Array.from({ length: this.config.concurrency }, () => this.worker()));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async worker(): Promise<number> {
    let posts = 0;
    // A lease longer than a post's deadline: a row is never posted by two instances at once.
    for (let row = await this.outgoing.lease(this.config.timeoutMs * 2); row !== undefined; row = await this.outgoing.lease(this.config.timeoutMs * 2)) {
      posts++;
      const outcome = await this.axis.post(row.kind, row.messageId, row.body);
      if (outcome.kind === 'accepted') {
        await this.outgoing.markSent(row.messageId, outcome.remoteId);
        this.metrics.posts.inc({ kind: row.kind, outcome: 'accepted' });
        this.logger.log(`${row.kind} ${row.messageId} for ${row.toCode} accepted by the axis (attempt ${row.attempts})`);
        continue;
      }
      const next = afterFailure(outcome, row.attempts, { maxAttempts: this.config.maxAttempts, firstMs: this.config.firstRetryMs, maxMs: this.config.maxRetryMs }, new Date());
      if (next.state === 'dead') {
        await this.outgoing.markDead(row.messageId, next.reason);
        this.metrics.posts.inc({ kind: row.kind, outcome: 'dead' });
        this.logger.error(`${row.kind} ${row.messageId} for ${row.toCode} is dead: ${next.reason}`);
      } else {
        await this.outgoing.markRetry(row.messageId, next.nextAttemptAt, next.reason);
        this.metrics.posts.inc({ kind: row.kind, outcome: 'retry' });
        this.logger.warn(`${row.kind} ${row.messageId} for ${row.toCode}, attempt ${row.attempts}: ${next.reason}; again at ${next.nextAttemptAt.toISOString()}`);
      }
    }
    return posts;
  }
}
