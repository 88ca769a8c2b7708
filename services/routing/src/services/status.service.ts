import { Injectable, Logger } from '@nestjs/common';
import { applyStatus, BusinessType, DeliveryStatusChangedSchema, type MessageInitShape, StatusCode, statusCodeText, StatusReport, StatusesReported, timestampDate, timestampFromDate, type TransitionResult } from '@edoc/contracts';
import { Database, together, type Tx } from '@edoc/db';
import { errorMessage, Inbox, PermanentMessageError, truncateReason } from '@edoc/messaging';
import { EventOutbox } from '@edoc/runtime';
import { type RoutedDelivery, RoutingRepository } from '../repositories/deliveries.repository';
import { refusalNoticeIdFor } from './delivery-id';
import { DOWNLOAD_PATH } from './fan-out.service';

/**
 * Applies status reports to deliveries. Routing accepts a status only from the unit that owns
 * the delivery (the recipient, or the sender for a recall); anything else is dead-lettered with
 * its reason and changes nothing. A ward system whose report is refused is told so on its own
 * queue (ReportRefused), since the broker confirmed the report and nothing else would tell it.
 */
@Injectable()
export class StatusService {
  private readonly logger = new Logger(StatusService.name);

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
  async onWardReport(report: StatusReport, messageId: string): Promise<void> {
    try {
      if (report.status === StatusCode.RECALL_REQUESTED) throw new PermanentMessageError('a ward system cannot request a recall over the status exchange');
      await this.apply(report, messageId);
    } catch (error) {
      if (error instanceof PermanentMessageError) await this.tellWardRefused(report, messageId, error.message);
      throw error;
    }
  }

  /**
   * Committed on its own before the report is dead-lettered. Should the report come again (the
   * dead-letter copy failed, an administrator replays it), the notice keeps its id, so the ward
   * can drop the repeat.
   */
  private async tellWardRefused(report: StatusReport, reportMessageId: string, reason: string): Promise<void> {
    try {
      await this.db.transaction((tx) =>
        this.events.tellWardRefused(
          tx,
          { reportMessageId, deliveryId: report.deliveryId, documentId: report.documentId, fromCode: report.fromCode, status: report.status, reason: truncateReason(reason), refusedAt: timestampFromDate(new Date()) },
          refusalNoticeIdFor(reportMessageId),
        ),
      );
    } catch (error) {
      // Still waiting in the outbox from an earlier attempt: it will go out.
      if (/already holds message/.test(errorMessage(error))) return;
      throw error;
    }
  }

  /**
   * Reports relayed together by intake (a document's 01s from the built-in inboxes), applied in one
   * transaction and announced in one event. Each is judged as if it came alone: one that the
   * delivery's state refuses (a 01 after a recall, say) is left out with its reason in the log, and
   * the others are applied.
   */
  async onInternalReports(event: StatusesReported, messageId: string): Promise<void> {
    if (event.reports.length === 0) throw new PermanentMessageError('statuses.reported without reports');
    const refused = await this.db.transaction(async (tx) => {
      const applied = await this.claimAndApply(tx, messageId, event.reports);
      if (applied === undefined) return [];
      const { changes, refusals } = applied;
      if (changes.length > 0) await this.events.emit(tx, 'deliveryStatusesChanged', { changes });
      return refusals;
    });
    for (const reason of refused) this.logger.warn(`a report of message ${messageId} was not applied: ${reason}`);
  }

  private async apply(report: StatusReport, messageId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const applied = await this.claimAndApply(tx, messageId, [report]);
      if (applied === undefined) return;
      const { changes, refusals } = applied;
      if (refusals.length > 0) throw new PermanentMessageError(refusals[0] as string);
      if (changes.length > 0) await this.events.emit(tx, 'deliveryStatusChanged', changes[0] as DeliveryStatusChangeInit);
    });
  }

  /**
   * The message's inbox claim and the lock of its deliveries leave together, a round trip fewer a
   * report (a redelivery, which rarely comes, locks them for nothing and changes nothing).
   * Undefined when the message was handled before. Nothing of the transaction is left running
   * when it ends, whichever of the two failed.
   */
  private async claimAndApply(tx: Tx, messageId: string, reports: readonly StatusReport[]): Promise<{ changes: DeliveryStatusChangeInit[]; refusals: string[] } | undefined> {
    const ids = [...new Set(reports.map((r) => r.deliveryId).filter((id) => /^[0-9a-f-]{36}$/i.test(id)))].sort();
    const [claimed, deliveries] = await together(
      this.inbox.claim(tx, messageId, 'routing.status'),
      ids.length === 0 ? Promise.resolve(new Map<string, RoutedDelivery>()) : this.routing.lockAll(tx, ids),
    );
    return claimed ? this.applyAll(tx, reports, deliveries) : undefined;
  }

  /**
   * Applies reports in their order to their locked deliveries, a statement for all of them at each
   * step: each report is judged against its delivery's state (and changes it for the next report
   * of the same delivery), and the accepted ones are stored together.
   */
  private async applyAll(tx: Tx, reports: readonly StatusReport[], deliveries: Map<string, RoutedDelivery>): Promise<{ changes: DeliveryStatusChangeInit[]; refusals: string[] }> {
    const accepted: { delivery: RoutedDelivery; report: StatusReport; next: RoutedDelivery; recorded: StatusCode; occurredAt: Date }[] = [];
    const refusals: string[] = [];
    for (const report of reports) {
      const delivery = deliveries.get(report.deliveryId);
      const outcome = judge(delivery, report);
      if (outcome.kind === 'refused') refusals.push(outcome.reason);
      if (outcome.kind !== 'changed' || delivery === undefined) continue;
      const next = { ...delivery, status: outcome.next.status, recallFrom: outcome.next.recallFrom, recallPending: outcome.next.recallPending };
      deliveries.set(delivery.deliveryId, next);
      accepted.push({ delivery, report, next, recorded: outcome.recorded, occurredAt: report.reportedAt ? timestampDate(report.reportedAt) : new Date() });
    }
    if (accepted.length === 0) return { changes: [], refusals };
    const sequences = await this.routing.recordStatuses(
      tx,
      accepted.map(({ next, report, recorded, occurredAt }) => ({
        deliveryId: next.deliveryId,
        status: next.status,
        recallFrom: next.recallFrom,
        recallPending: next.recallPending,
        reported: recorded,
        reason: report.reason,
        reportedBy: report.fromCode,
        occurredAt,
      })),
    );
    // A built-in unit sees the recall in its inbox; a ward system and an outside organ (through
    // the axis gateway) are told on their own queue.
    for (const { next, report, recorded, occurredAt } of accepted) {
      if (recorded === StatusCode.RECALL_REQUESTED && next.channel !== 'builtin') await this.tellOfRecall(tx, next, occurredAt, report.reason);
    }
    const changes = accepted.map(({ delivery, report, next, recorded, occurredAt }, index) => ({
      deliveryId: delivery.deliveryId,
      documentId: delivery.documentId,
      senderCode: delivery.senderCode,
      recipientCode: delivery.recipientCode,
      status: next.status ?? StatusCode.UNSPECIFIED,
      previousStatus: delivery.status ?? StatusCode.UNSPECIFIED,
      reportedStatus: recorded,
      recallPending: next.recallPending,
      reason: report.reason,
      reportedBy: report.fromCode,
      occurredAt: timestampFromDate(occurredAt),
      sequence: sequences[index] as bigint,
    }));
    return { changes, refusals };
  }

  /** A ward system or the gateway learns of a recall on its own queue: the same delivery id, business type RECALL, the sender's reason. */
  private async tellOfRecall(tx: Tx, delivery: RoutedDelivery, occurredAt: Date, reason: string): Promise<void> {
    const metadata = await this.routing.documentMetadata(tx, delivery.documentId);
    await this.events.deliver(
      tx,
      { deliveryId: delivery.deliveryId, documentId: delivery.documentId, senderCode: delivery.senderCode, recipientCode: delivery.recipientCode, businessType: BusinessType.RECALL, metadata, downloadPath: DOWNLOAD_PATH, createdAt: timestampFromDate(occurredAt), reason },
      metadata.priority,
    );
  }
}

type DeliveryStatusChangeInit = MessageInitShape<typeof DeliveryStatusChangedSchema>;

/** Whether a report may change its delivery, and how; a refusal says why. */
function judge(delivery: RoutedDelivery | undefined, report: StatusReport): TransitionResult {
  if (delivery === undefined) return { kind: 'refused', reason: `status ${statusCodeText(report.status)} for unknown delivery ${report.deliveryId}` };
  const reporter = report.fromCode === delivery.recipientCode ? 'recipient' : report.fromCode === delivery.senderCode ? 'sender' : undefined;
  if (reporter === undefined) return { kind: 'refused', reason: `unit ${report.fromCode} does not own delivery ${report.deliveryId}` };
  const decision = applyStatus({ status: delivery.status, recallFrom: delivery.recallFrom, recallPending: delivery.recallPending }, report.status, reporter, report.reason);
  return decision.kind === 'refused' ? { kind: 'refused', reason: `delivery ${report.deliveryId}: ${decision.reason}` } : decision;
}
