import { Injectable } from '@nestjs/common';
import { applyStatus, BusinessType, StatusCode, StatusReport, timestampDate, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { EventOutbox } from '@edoc/runtime';
import { RoutingRepository } from '../repositories/deliveries.repository';
import { DOWNLOAD_PATH } from './fan-out.service';

/**
 * Applies status reports to deliveries. Routing accepts a status only from the unit that owns
 * the delivery (the recipient, or the sender for a recall); anything else is dead-lettered with
 * its reason and changes nothing.
 */
@Injectable()
export class StatusService {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly routing: RoutingRepository,
    private readonly events: EventOutbox,
  ) {}

  /** A report relayed by intake for a unit on the built-in inbox: intake has authenticated the unit. */
  onInternalReport(report: StatusReport | undefined, messageId: string): Promise<void> {
    if (report === undefined) throw new PermanentMessageError('status.reported without a report');
    return this.apply(report, messageId);
  }

  /**
   * A report a ward system published itself. The transport let it through only if its user_id,
   * which RabbitMQ validates, is the broker user of the ward it reports for (MESSAGE_CONTRACT).
   */
  onWardReport(report: StatusReport, messageId: string): Promise<void> {
    if (report.status === StatusCode.RECALL_REQUESTED) throw new PermanentMessageError('a ward system cannot request a recall over the status exchange');
    return this.apply(report, messageId);
  }

  private async apply(report: StatusReport, messageId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'routing.status'))) return;
      const delivery = /^[0-9a-f-]{36}$/i.test(report.deliveryId) ? await this.routing.lock(tx, report.deliveryId) : undefined;
      if (delivery === undefined) throw new PermanentMessageError(`status ${report.status} for unknown delivery ${report.deliveryId}`);
      const reporter = report.fromCode === delivery.recipientCode ? 'recipient' : report.fromCode === delivery.senderCode ? 'sender' : undefined;
      if (reporter === undefined) throw new PermanentMessageError(`unit ${report.fromCode} does not own delivery ${report.deliveryId}`);
      const decision = applyStatus({ status: delivery.status, recallFrom: delivery.recallFrom, recallPending: delivery.recallPending }, report.status, reporter, report.reason);
      if (decision.kind === 'refused') throw new PermanentMessageError(`delivery ${report.deliveryId}: ${decision.reason}`);
      if (decision.kind === 'unchanged') return;
      const occurredAt = report.reportedAt ? timestampDate(report.reportedAt) : new Date();
      const sequence = await this.routing.recordStatus(tx, {
        deliveryId: delivery.deliveryId,
        status: decision.next.status,
        recallFrom: decision.next.recallFrom,
        recallPending: decision.next.recallPending,
        reported: decision.recorded,
        reason: report.reason,
        reportedBy: report.fromCode,
        occurredAt,
      });
      if (decision.recorded === StatusCode.RECALL_REQUESTED && delivery.channel === 'queue') {
        // A ward system learns of the recall on its own queue: the same delivery id, business type RECALL.
        const metadata = await this.routing.documentMetadata(tx, delivery.documentId);
        await this.events.deliver(
          tx,
          { deliveryId: delivery.deliveryId, documentId: delivery.documentId, senderCode: delivery.senderCode, recipientCode: delivery.recipientCode, businessType: BusinessType.RECALL, metadata, downloadPath: DOWNLOAD_PATH, createdAt: timestampFromDate(occurredAt) },
          metadata.priority,
        );
      }
      await this.events.emit(tx, 'deliveryStatusChanged', {
        deliveryId: delivery.deliveryId,
        documentId: delivery.documentId,
        senderCode: delivery.senderCode,
        recipientCode: delivery.recipientCode,
        status: decision.next.status ?? StatusCode.UNSPECIFIED,
        previousStatus: delivery.status ?? StatusCode.UNSPECIFIED,
        reportedStatus: decision.recorded,
        recallPending: decision.next.recallPending,
        reason: report.reason,
        reportedBy: report.fromCode,
        occurredAt: timestampFromDate(occurredAt),
        sequence,
      });
    });
  }
}
