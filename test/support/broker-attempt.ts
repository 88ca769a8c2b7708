import type * as amqp from 'amqplib';

/** What became of one publication: routed to at least one queue, returned as unroutable, or refused by the broker. */
export type PublishOutcome = { kind: 'routed' } | { kind: 'unroutable' } | { kind: 'refused'; reason: string };

/**
 * Publishes one message on a channel of its own, mandatory and confirmed, and says what the broker
 * did with it. A refusal (no permission, a user_id not one's own) closes the channel, so each
 * attempt gets a fresh one.
 */
export async function tryPublish(connection: amqp.ChannelModel, exchange: string, routingKey: string, content: Buffer, properties: amqp.Options.Publish): Promise<PublishOutcome> {
  const channel = await connection.createConfirmChannel();
  let refusal: string | undefined;
  let returned = false;
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  channel.on('error', (error: Error) => {
    refusal = error.message;
  });
  channel.on('return', () => {
    returned = true;
  });
  try {
    channel.publish(exchange, routingKey, content, { persistent: true, mandatory: true, ...properties });
    await channel.waitForConfirms();
  } catch (error) {
    // A refused publish closes the channel; the error event carries the broker's reason.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    return { kind: 'refused', reason: refusal ?? (error as Error).message };
  }
  await channel.close().catch(() => undefined);
  if (refusal !== undefined) return { kind: 'refused', reason: refusal };
  return returned ? { kind: 'unroutable' } : { kind: 'routed' };
}

/**
 * Runs one operation on a confirm channel of its own and says how the broker answered: "allowed",
 * or the reason it gave when it refused (a refusal closes the channel).
 */
export async function brokerAnswer(connection: amqp.ChannelModel, operation: (channel: amqp.ConfirmChannel) => Promise<unknown>): Promise<string> {
  const channel = await connection.createConfirmChannel();
  let refusal: string | undefined;
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  channel.on('error', (error: Error) => {
    refusal = error.message;
  });
  try {
    await operation(channel);
    await channel.close();
    return 'allowed';
  } catch (error) {
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    return refusal ?? (error as Error).message;
  }
}
