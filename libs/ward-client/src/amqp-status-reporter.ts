import { StatusReportSchema } from '@edoc/contracts';
import { AmqpConnection, MessagePublisher } from '@edoc/messaging';
import { buildStatusReport, type StatusReportInput, type StatusSink } from './status-report';
import { assertWardCode, STATUS_EXCHANGE } from './ward-names';

/**
 * Publishes a ward's status reports to `edoc.status` under its own code, persistent, on a confirm
 * channel, with `user_id` = the broker user: RabbitMQ refuses a user_id that is not the
 * connection's own, which is how edoc knows the report is authentic.
 */
export class AmqpStatusReporter implements StatusSink {
  private readonly publisher: MessagePublisher;

  constructor(
    connection: AmqpConnection,
    private readonly code: string,
    brokerUser: string,
    opts: { timeoutMs?: number } = {},
  ) {
    assertWardCode(code);
    this.publisher = new MessagePublisher(connection, { appId: 'edoc-ward-client', userId: brokerUser, timeoutMs: opts.timeoutMs });
  }

  async report(input: StatusReportInput): Promise<string> {
    const { report, messageId } = buildStatusReport(this.code, input);
    return this.publisher.publish({ exchange: STATUS_EXCHANGE, routingKey: this.code, schema: StatusReportSchema, message: report, messageId });
  }

  async close(): Promise<void> {
    await this.publisher.close();
  }
}
