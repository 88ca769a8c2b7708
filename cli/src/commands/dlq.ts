import { Command } from 'commander';
import { loadConfig, redactUrl } from '@edoc/config';
import { DeadLetter, DeadLetterAdmin } from '@edoc/messaging';
import { provisionedBrokerUrl } from '@edoc/runtime';
import { printResult, table } from './output';

interface DlqOptions {
  amqpUrl?: string;
  json?: boolean;
}

/**
 * The operator's dead-letter tools, on the broker directly. They connect as the operator user that
 * `edoc provision` made (it may replay a message as its original publisher, which consumers
 * require), else with --amqp-url or EDOC_AMQP_URL; the dead-letter queues are found through
 * EDOC_RABBITMQ_MANAGEMENT_URL. Whoever may run these may administer the broker.
 */
function brokerUrl(options: DlqOptions): string {
  const config = loadConfig();
  return options.amqpUrl ?? provisionedBrokerUrl(config, 'operator') ?? config.amqpUrl;
}

function admin(options: DlqOptions): DeadLetterAdmin {
  return new DeadLetterAdmin({ amqpUrl: brokerUrl(options), managementUrl: loadConfig().rabbitManagementUrl });
}

async function withAdmin<T>(options: DlqOptions, run: (dlq: DeadLetterAdmin) => Promise<T>): Promise<T> {
  const dlq = admin(options);
  try {
    return await run(dlq);
  } finally {
    await dlq.close();
  }
}

function line(letter: DeadLetter): string[] {
  return [letter.id, letter.type ?? '-', letter.publishedBy ?? '-', String(letter.attempts ?? '-'), letter.deadLetteredAt ?? '-', letter.reason];
}

function common(command: Command): Command {
  return command
    .option('--amqp-url <url>', 'broker URL with the vhost (default: the operator user of `edoc provision` on $EDOC_AMQP_URL, else $EDOC_AMQP_URL)')
    .option('--json', 'print JSON');
}

export function buildDlqCommand(): Command {
  const dlq = new Command('dlq').description('list, inspect, replay and discard dead letters (messages that could not be processed, with the reason)');
  dlq.addCommand(
    common(new Command('list').description('dead letters of every queue, or of one').option('--queue <name>', 'a queue (routing.status) or its dead-letter queue (dlq.routing.status)').option('--limit <n>', 'at most this many', '100')).action(
      async (options: DlqOptions & { queue?: string; limit: string }) => {
        const letters = await withAdmin(options, (a) => a.list({ queue: options.queue, limit: Number(options.limit) }));
        printResult(options.json, letters, () =>
          letters.length === 0 ? [`no dead letters on ${redactUrl(brokerUrl(options))}`] : table([['ID', 'TYPE', 'PUBLISHED BY', 'ATTEMPTS', 'DEAD-LETTERED', 'REASON'], ...letters.map(line)]),
        );
      },
    ),
  );
  dlq.addCommand(
    common(new Command('show').description('one dead letter with its headers and decoded body').argument('<id>', 'dlq.<queue>/<message id>, or a message id alone when it is unique')).action(async (id: string, options: DlqOptions) => {
      const letter = await withAdmin(options, (a) => a.show(id));
      const { body, ...rest } = letter;
      printResult(options.json, { ...rest, body: body.toString('base64') }, () => [
        ...table([
          ['id', letter.id],
          ['type', letter.type ?? '-'],
          ['published by', letter.publishedBy ?? '-'],
          ['failed in', `${letter.queue ?? '(unroutable)'} after ${letter.attempts ?? '?'} attempt(s)`],
          ['reason', letter.reason],
          ['dead-lettered', `${letter.deadLetteredAt ?? '-'} by ${letter.deadLetteredBy ?? '-'}`],
          ['replayed', String(letter.replayCount)],
          ['size', `${letter.size} bytes`],
        ]),
        '',
        letter.decoded !== undefined ? JSON.stringify(letter.decoded, null, 2) : `body not decodable: ${letter.decodeError ?? 'unknown type'}`,
      ]);
    }),
  );
  dlq.addCommand(
    common(new Command('replay').description('send a dead letter back to the queue it failed in (after the cause is fixed)').argument('<id>')).action(async (id: string, options: DlqOptions) => {
      const letter = await withAdmin(options, (a) => a.replay(id));
      printResult(options.json, letter, () => [`replayed ${letter.id} to ${letter.queue ?? `${letter.exchange}/${letter.routingKey}`}`]);
    }),
  );
  dlq.addCommand(
    common(new Command('discard').description('delete a dead letter for good').argument('<id>')).action(async (id: string, options: DlqOptions) => {
      const letter = await withAdmin(options, (a) => a.discard(id));
      printResult(options.json, letter, () => [`discarded ${letter.id} (${letter.type ?? 'unknown type'}: ${letter.reason})`]);
    }),
  );
  return dlq;
}
