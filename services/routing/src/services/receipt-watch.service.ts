import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { timestampFromDate } from '@edoc/contracts';
import { envInt } from '@edoc/config';
import { Database } from '@edoc/db';
import { EventOutbox, PeriodicTask, ServiceReadiness } from '@edoc/runtime';
import { RoutingRepository } from '../repositories/deliveries.repository';

/**
 * Raises an alert for each delivery whose recipient has not confirmed arrival in time. Several
 * routing instances may scan at once: SKIP LOCKED gives each overdue delivery to one of them.
 */
@Injectable()
export class ReceiptWatchService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReceiptWatchService.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: Database,
    private readonly routing: RoutingRepository,
    private readonly events: EventOutbox,
    readiness: ServiceReadiness,
  ) {
    this.task = new PeriodicTask('receipt scan', envInt('EDOC_RECEIPT_SCAN_SECONDS', 30) * 1000, () => this.scan(), readiness, this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass; returns how many alerts it raised. */
  async scan(now = new Date()): Promise<number> {
    return this.db.transaction(async (tx) => {
      const overdue = await this.routing.overdueReceipts(tx, now, 500);
      for (const delivery of overdue) {
        await this.routing.markReceiptAlerted(tx, delivery.deliveryId, now);
        await this.events.emit(tx, 'deliveryReceiptOverdue', {
          deliveryId: delivery.deliveryId,
          documentId: delivery.documentId,
          senderCode: delivery.senderCode,
          recipientCode: delivery.recipientCode,
          priority: delivery.priority,
          createdAt: timestampFromDate(delivery.createdAt),
          deadline: timestampFromDate(delivery.deadline),
        });
        this.logger.warn(`no receipt (01) from ${delivery.recipientCode} for delivery ${delivery.deliveryId} since ${delivery.deadline.toISOString()}`);
      }
      return overdue.length;
    });
  }
}
