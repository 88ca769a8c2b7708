import { Inject, Injectable, Logger } from '@nestjs/common';
import { printable, RejectionKind, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Inbox, isContractBreach, type Refusal } from '@edoc/messaging';
import { EventOutbox } from './events';
import { PrometheusRegistry } from './prometheus';
import { SERVICE_OPTIONS, type ServiceOptions } from './service-options';

const KINDS = { type_not_accepted: RejectionKind.TYPE_NOT_ACCEPTED, wrong_publisher: RejectionKind.WRONG_PUBLISHER } as const;

/**
 * What a service does with a message its transport refused: count it for Prometheus and, when it
 * breached the message contract (a forged type, a stranger's publication), announce it as
 * `message.rejected` so the archive records it in the audit trail. Recorded once per message id
 * and queue, however often the broker redelivers it.
 */
@Injectable()
export class RefusalRecorder {
  private readonly logger = new Logger('RefusalRecorder');

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly events: EventOutbox,
    private readonly prometheus: PrometheusRegistry,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
  ) {}

  async onRefused(refusal: Refusal): Promise<void> {
    if (isContractBreach(refusal.kind) && refusal.messageId !== undefined) {
      const messageId = refusal.messageId;
      const recorded = await this.db.transaction(async (tx) => {
        if (!(await this.inbox.claim(tx, messageId, `refused:${refusal.queue}`))) return false;
        await this.events.emit(tx, 'messageRejected', {
          messageId: printable(messageId),
          type: printable(refusal.type ?? ''),
          publishedBy: printable(refusal.publishedBy ?? ''),
          exchange: printable(refusal.exchange),
          routingKey: printable(refusal.routingKey),
          queue: refusal.queue,
          kind: KINDS[refusal.kind as keyof typeof KINDS],
          reason: printable(refusal.reason),
          rejectedBy: this.options.name,
          rejectedAt: timestampFromDate(new Date()),
        });
        return true;
      });
      if (recorded) this.logger.warn(`refused a breach of the message contract: ${printable(refusal.reason)}`);
    }
    this.prometheus.countRefusal(refusal.queue, refusal.kind);
  }
}
