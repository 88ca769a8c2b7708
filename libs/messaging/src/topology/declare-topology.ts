import * as amqplib from 'amqplib';
import { redactUrl } from '@edoc/config';
import { assertAmqpUrl } from '../connection/amqp-url';
import { errorMessage } from '../errors';
import { planTopology, type Topology } from './topology';

export interface TopologySummary {
  exchanges: string[];
  queues: string[];
}

/**
 * Declares exchanges, quorum queues with their dead-letter queues, and bindings. Idempotent: run
 * it at every deployment. A queue that already exists with other arguments (say a classic queue
 * of the same name) is reported, not replaced, because deleting it would delete its messages.
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
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    for (const exchange of plan.exchanges) {
      await step(`exchange ${exchange.name}`, () => channel.assertExchange(exchange.name, exchange.type, { durable: true }));
    }
    for (const queue of plan.queues) {
      await step(`queue ${queue.name}`, () => channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments }));
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
  return { exchanges: plan.exchanges.map((exchange) => exchange.name), queues: plan.queues.map((queue) => queue.name) };
}

async function step(what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const message = errorMessage(error);
    if (/PRECONDITION_FAILED|\b406\b/.test(message)) {
      throw new Error(
        `${what} already exists with other settings (${message}); it was left as it is: ` +
          'move its messages elsewhere and delete it, then provision again',
      );
    }
    throw new Error(`declaring ${what} failed: ${message}`);
  }
}
