import type { ChannelModel } from 'amqplib';

/** What the broker says about one queue. */
export interface QueueStats {
  /** Messages ready for delivery: the queue depth. */
  messages: number;
  consumers: number;
}

/** Where queue figures come from; a fake in unit tests, the broker in production. */
export interface QueueStatsSource {
  /** Figures of each queue that exists; a missing queue is simply absent from the answer. */
  stats(queues: readonly string[]): Promise<Map<string, QueueStats>>;
}

/**
 * Reads queue depth and consumers with AMQP queue.declare passive (checkQueue): exact at the moment
 * of the scrape, unlike the management API's statistics, which lag by several seconds.
 */
export class AmqpQueueStats implements QueueStatsSource {
  constructor(private readonly connection: () => ChannelModel | undefined) {}

  async stats(queues: readonly string[]): Promise<Map<string, QueueStats>> {
    const result = new Map<string, QueueStats>();
    const model = this.connection();
    if (model === undefined || queues.length === 0) return result;
    let channel = await openChannel(model);
    try {
      for (const queue of queues) {
        try {
          const ok = await channel.checkQueue(queue);
          result.set(queue, { messages: ok.messageCount, consumers: ok.consumerCount });
        } catch {
          // A missing queue closes the channel (404): go on with a fresh one.
          await channel.close().catch(() => undefined);
          channel = await openChannel(model);
        }
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
    return result;
  }
}

async function openChannel(model: ChannelModel) {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  return channel;
}
