import { Command, InvalidArgumentError } from 'commander';
import { join, resolve } from 'node:path';
import { StatusCode, statusCodeText, type Delivery } from '@edoc/contracts';
import { WardClient, type WardEvent } from '@edoc/ward-client';
import { withApiOptions } from '../api-options';
import { saveDocument, type SavedDocument } from './save-document';
import { stderrLogger } from './stderr-logger';
import { wardAmqpUrl, wardHttpAccess } from './ward-credentials';

interface WatchOptions {
  code: string;
  out: string;
  amqpUrl?: string;
  state?: string;
  accept?: boolean;
  complete?: boolean;
  pause: number;
  prefetch: number;
  url?: string;
  token?: string;
  as?: string;
}

function nonNegativeInt(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected a whole number');
  return parsed;
}

const HELP = `
What it does, for each delivery on inbox.<code> and inbox.<code>.urgent (urgent first):
  1. drops it if the journal (--state) shows it was already taken in (same delivery or message id);
  2. downloads the issued PDF and its attachments from <url><downloadPath>/<sha256> with the token
     and checks each one's size and SHA-256 against the message: a mismatch is never saved;
  3. saves <out>/<deliveryId>.pdf, <deliveryId>.attachment-<n>.pdf and <deliveryId>.json (fsynced);
  4. reports 01 (arrived) on edoc.status and waits for the broker's confirm, then acks the message;
  5. with --accept reports 03 (accepted), with --complete 03 and then 06 (completed).
It prints one line per delivery on stdout; connection news, retries and rejected messages go to
stderr. A message that can never be processed (not a Delivery, addressed to another unit) is
rejected into dlq.inbox.<code>; a failed download is retried, then handed back to the broker. A
report edoc refused (it changed nothing) comes back on inbox.<code>: printed with edoc's reason.
Stop with Ctrl-C: the message in hand is finished first, the rest stay in the queue.

Start-up and failures:
  Until RabbitMQ accepts the connection, opens its virtual host and has both queues, it waits and
  tries again (after 1 s, doubling up to 30 s), saying why on stderr each time; a connection lost
  later is retried the same way. "saving to <out>" on stderr means it consumes. (If only one of the
  two queues exists after 15 s, it consumes that one and keeps trying the other.) It exits with
  status 1 and the reason on stderr only when waiting cannot help: the broker refuses the login
  (wrong user or password), the broker user may not read the ward's queues (ACCESS_REFUSED), the
  code is invalid, or another process uses the journal. edoc's HTTP API is needed only per
  delivery: a failed download is retried.

Credentials:
  broker   --amqp-url amqp://ward-<code>:PASSWORD@HOST:5672/VHOST, or $EDOC_WARD_AMQP_URL; on a demo
           machine, the user \`edoc provision\` wrote to <data dir>/secrets/ward-broker-users.json
  files    the ward-system user's session: \`edoc login\` as that user (refreshed for as long as it
           runs), or --as bachkhoa.system on the demo (signed in again when a session ends), or a
           fixed --token (or $EDOC_TOKEN: it expires within 15 minutes); --url of edoc's HTTP API
           (or $EDOC_URL, default http://127.0.0.1:3000)

Example (demo district, Bách Khoa ward):
  edoc ward watch --code 000.32.13.H26 --as bachkhoa.system --out ./bachkhoa --accept
See docs/ward-integration.md for the protocol in any language.`;

export function buildWardWatchCommand(): Command {
  return withApiOptions(
    new Command('watch')
      .description("run a ward system: consume the ward's queues, save each checked PDF, report 01 (and 03/06), ack")
      .requiredOption('--code <code>', "the ward's organisation code, e.g. 000.32.13.H26")
      .requiredOption('--out <dir>', 'folder to save documents in')
      .option('--amqp-url <url>', "the ward's broker URL with its own user (default $EDOC_WARD_AMQP_URL, or the demo credentials)")
      .option('--state <file>', 'journal of deliveries taken in, to drop duplicates (default <out>/.edoc-ward-journal.jsonl)')
      .option('--accept', 'after 01, also report 03 (accepted: registered by the clerk)')
      .option('--complete', 'after 01, report 03 and then 06 (handling completed); implies --accept')
      .option('--pause <ms>', 'wait between the automatic reports 01, 03 and 06 (edoc applies reports as they come)', nonNegativeInt, 500)
      .option('--prefetch <n>', 'unacknowledged messages per queue', nonNegativeInt, 4),
  )
    .addHelpText('after', HELP)
    .action(async (options: WatchOptions) => {
      const out = resolve(options.out);
      // A signal while this waits for the broker ends the process as usual: nothing is in hand yet.
      const client = await WardClient.connect({
        code: options.code,
        amqpUrl: wardAmqpUrl(options.code, options.amqpUrl),
        files: wardHttpAccess(options),
        journal: resolve(options.state ?? join(out, '.edoc-ward-journal.jsonl')),
        prefetch: options.prefetch,
        logger: stderrLogger('edoc ward:'),
        onEvent: (event) => printer.onEvent(event),
      });
      const followUps: StatusCode[] = options.complete ? [StatusCode.ACCEPTED, StatusCode.COMPLETED] : options.accept ? [StatusCode.ACCEPTED] : [];
      const printer = new DeliveryPrinter(client, followUps, options.pause);
      // Listening before start(): it may wait long for queues not declared yet, and Ctrl-C must end that wait.
      const stopped = new Promise<string>((resolveStop) => {
        process.once('SIGINT', () => resolveStop('SIGINT'));
        process.once('SIGTERM', () => resolveStop('SIGTERM'));
      });
      const started = client.start(async (document) => {
        printer.remember(document.delivery.deliveryId, await saveDocument(out, document));
      });
      let early: string | undefined;
      try {
        early = await Promise.race([started.then(() => undefined), stopped]);
      } catch (error) {
        await client.close();
        throw error;
      }
      if (early !== undefined) {
        console.error(`${new Date().toISOString()}  edoc ward: ${early} before the queues could be consumed; stopping`);
        await client.close();
        return;
      }
      console.error(`${new Date().toISOString()}  edoc ward: saving to ${out}; Ctrl-C to stop`);
      const signal = await stopped;
      console.error(`${new Date().toISOString()}  edoc ward: ${signal}, finishing the message in hand`);
      await client.close();
      await printer.idle();
    });
}

/** Prints one line per delivery, after its follow-up reports (03, 06) went out. */
class DeliveryPrinter {
  private readonly saved = new Map<string, SavedDocument>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: WardClient,
    private readonly followUps: StatusCode[],
    private readonly pauseMs: number,
  ) {}

  remember(deliveryId: string, saved: SavedDocument): void {
    this.saved.set(deliveryId, saved);
  }

  onEvent(event: WardEvent): void {
    const time = new Date().toISOString();
    switch (event.kind) {
      case 'delivered':
        this.chain = this.chain.then(() => this.followUp(time, event.delivery, event.urgent, event.resumed));
        return;
      case 'duplicate':
        console.log(`${time}  ${event.delivery.deliveryId}  duplicate (message ${event.messageId ?? '-'}): dropped, already taken in`);
        return;
      case 'report-refused':
        console.log(`${time}  ${event.refusal.deliveryId}  report ${event.refusal.reportMessageId} (${statusCodeText(event.refusal.status)}) refused by edoc: ${event.refusal.reason}`);
        return;
      case 'rejected':
        console.error(`${time}  ${event.delivery?.deliveryId ?? '-'}  rejected into the dead-letter queue (message ${event.messageId ?? '-'}): ${event.reason}`);
        return;
      case 'retrying':
        console.error(`${time}  ${event.delivery?.deliveryId ?? '-'}  attempt ${event.attempt} failed${event.requeued ? ', handed back to the broker' : ', will retry'}: ${event.reason}`);
    }
  }

  idle(): Promise<void> {
    return this.chain;
  }

  private async followUp(time: string, delivery: Delivery, urgent: boolean, resumed: boolean): Promise<void> {
    const reported = ['01'];
    let failure = '';
    for (const status of this.followUps) {
      await new Promise((r) => setTimeout(r, this.pauseMs));
      try {
        await this.client.reportStatus(delivery.deliveryId, delivery.documentId, status);
        reported.push(statusCodeText(status));
      } catch (error) {
        failure = `; reporting ${statusCodeText(status)} failed: ${(error as Error).message}`;
        break;
      }
    }
    const saved = this.saved.get(delivery.deliveryId);
    this.saved.delete(delivery.deliveryId);
    const notation = delivery.metadata?.edxmlDocumentId || delivery.documentId;
    const subject = (delivery.metadata?.subject ?? '').slice(0, 80);
    const file = delivery.file!;
    const where = saved === undefined ? 'saved before a restart' : `saved ${saved.pdf}${saved.attachments.length > 0 ? ` (+${saved.attachments.length} attachment(s))` : ''}`;
    const line = `${time}  ${delivery.deliveryId}  ${urgent ? 'urgent' : 'normal'}  ${notation}  ${where}  sha256 ${file.sha256} ${file.size} bytes  reported ${reported.join(' ')}${resumed ? ' (resumed)' : ''}  "${subject}"${failure}`;
    if (failure === '') console.log(line);
    else console.error(line);
  }
}
