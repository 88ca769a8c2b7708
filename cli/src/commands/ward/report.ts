import { Command } from 'commander';
import { AmqpConnection } from '@edoc/messaging';
import { AmqpStatusReporter, buildStatusReport, assertWardCode } from '@edoc/ward-client';
import { stderrLogger } from './stderr-logger';
import { wardAmqpUrl } from './ward-credentials';

interface ReportOptions {
  code: string;
  amqpUrl?: string;
  reason?: string;
  handler?: string;
  messageId?: string;
}

export function buildWardReportCommand(): Command {
  return new Command('report')
    .description("report a delivery's status on edoc.status as the ward system (over the broker, not the HTTP API)")
    .argument('<delivery-id>')
    .argument('<document-id>')
    .argument('<status>', '01 arrived, 02 refused, 03 accepted, 04 assigned, 05 in progress, 06 completed, 14/16 answer a recall')
    .requiredOption('--code <code>', "the ward's organisation code")
    .option('--amqp-url <url>', "the ward's broker URL (default $EDOC_WARD_AMQP_URL, or the demo credentials)")
    .option('--reason <text>', 'required with 02 and 16')
    .option('--handler <text>', 'the person or department handling the document')
    .option('--message-id <uuid>', 're-send a report under the message id of the first attempt')
    .action(async (deliveryId: string, documentId: string, status: string, options: ReportOptions) => {
      const code = assertWardCode(options.code);
      const input = { deliveryId, documentId, status, reason: options.reason, handler: options.handler, messageId: options.messageId };
      buildStatusReport(code, input); // a bad report fails here, before any connection
      const url = wardAmqpUrl(code, options.amqpUrl);
      const connection = await AmqpConnection.connect(url, { name: `ward-${code}-report`, timeoutMs: 15_000, logger: quiet() });
      const reporter = new AmqpStatusReporter(connection, code, decodeURIComponent(new URL(url).username));
      try {
        const messageId = await reporter.report(input);
        console.log(`reported ${status.padStart(2, '0')} for delivery ${deliveryId} (message ${messageId})`);
      } finally {
        await reporter.close();
        await connection.close();
      }
    });
}

/** Connection news only when something goes wrong. */
function quiet() {
  const logger = stderrLogger('edoc ward report:');
  return { log: () => undefined, warn: logger.warn, error: logger.error };
}
