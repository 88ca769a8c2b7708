import * as amqplib from 'amqplib';
import { redactUrl } from '@edoc/config';
import { assertAmqpUrl } from '../connection/amqp-url';
import { errorMessage } from '../errors';
import { planTopology, type QueueDeclaration, type Topology } from './topology';

export interface TopologySummary {
  exchanges: string[];
  queues: string[];
  /** Queues that existed with other settings, empty and with no consumer, and were declared anew. */
  redeclared: string[];
}

/**
 * Declares exchanges, quorum queues with their dead-letter queues, and bindings. Idempotent: run
 * it at every deployment. A queue that already exists with other arguments (an older release's,
 * before it was made single-active; a classic queue of the same name) is replaced only when it is
 * empty and nobody consumes from it, which the broker checks as it deletes; otherwise it is
 * reported, not replaced, because deleting it would delete its messages.
 */
export async function declareTopology(url: string, topology: Topology): Promise<TopologySummary> {
  assertAmqpUrl(url);
  const plan = planTopology(topology);
  let connection: amqplib.ChannelModel;
  try {
    connection = await amqplib.connect(url, { clientProperties: { connection_name: 'edoc-provision' } });
  } catch (error) {
    throw new Error(`cannot connect to RabbitMQ at ${redactUrl(url)}: ${errorMessage(error)}`);
  }
  connection.on('error', () => undefined);
  const redeclared: string[] = [];
  const openChannel = async () => {
    const opened = await connection.createChannel();
    opened.on('error', () => undefined);
    return opened;
  };
  try {
    let channel = await openChannel();
    for (const exchange of plan.exchanges) {
      await step(`exchange ${exchange.name}`, () => channel.assertExchange(exchange.name, exchange.type, { durable: true }));
    }
    for (const queue of plan.queues) {
      const declare = () => channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
      try {
        await declare();
      } catch (error) {
        if (!isPreconditionFailed(error)) throw new Error(`declaring queue ${queue.name} failed: ${errorMessage(error)}`);
        // The broker closed the channel on the refusal.
        channel = await openChannel();
        if (!(await deleteIfEmptyAndUnused(channel, queue))) throw conflict(`queue ${queue.name}`, error);
        await step(`queue ${queue.name}`, declare);
        redeclared.push(queue.name);
      }
      for (const binding of queue.bindings) {
        await step(`binding ${binding.exchange} -> ${queue.name} (${binding.routingKey})`, () =>
          channel.bindQueue(queue.name, binding.exchange, binding.routingKey),
        );
      }
    }
    await channel.close();
  } finally {
    await connection.close().catch(() => undefined);
  }
  return { exchanges: plan.exchanges.map((exchange) => exchange.name), queues: plan.queues.map((queue) => queue.name), redeclared };
}

/**
 * False when the queue holds messages or has a consumer. Quorum queues do not take the broker's
 * if-empty and if-unused deletes, so the queue is first unbound (nothing more is routed to it; a
 * message published in the moment until it is declared again goes to the unroutable dead letters,
 * not nowhere), then counted, then deleted.
 */
async function deleteIfEmptyAndUnused(channel: amqplib.Channel, queue: QueueDeclaration): Promise<boolean> {
  if (!(await isEmptyAndUnused(channel, queue.name))) return false;
  for (const binding of queue.bindings) await channel.unbindQueue(queue.name, binding.exchange, binding.routingKey);
  if (!(await isEmptyAndUnused(channel, queue.name))) {
    for (const binding of queue.bindings) await channel.bindQueue(queue.name, binding.exchange, binding.routingKey);
    return false;
  }
  await channel.deleteQueue(queue.name);
  return true;
}

async function isEmptyAndUnused(channel: amqplib.Channel, queue: string): Promise<boolean> {
  const { messageCount, consumerCount } = await channel.checkQueue(queue);
  return messageCount === 0 && consumerCount === 0;
}

function isPreconditionFailed(error: unknown): boolean {
  return /PRECONDITION_FAILED|\b406\b/.test(errorMessage(error));
}

function conflict(what: string, error: unknown): Error {
  return new Error(
    `${what} already exists with other settings (${errorMessage(error)}); it was left as it is because it holds messages ` +
      'or has a consumer: stop its consumers, move its messages elsewhere and delete it, then provision again',
  );
}

async function step(what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (isPreconditionFailed(error)) throw conflict(what, error);
    throw new Error(`declaring ${what} failed: ${errorMessage(error)}`);
  }
}
