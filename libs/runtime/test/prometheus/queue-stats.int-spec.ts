import * as amqp from 'amqplib';
import { AmqpQueueStats } from '@edoc/runtime';
import { createTestVhost, TestVhost } from '@edoc/testing';

describe('AmqpQueueStats against RabbitMQ', () => {
  let vhost: TestVhost;
  let connection: amqp.ChannelModel;

  beforeAll(async () => {
    vhost = await createTestVhost({ prefix: 'edoc-prom' });
    connection = await amqp.connect(vhost.amqpUrl);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('work', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.assertQueue('dlq.work', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (let i = 0; i < 3; i++) channel.sendToQueue('work', Buffer.from(`m${i}`), { persistent: true });
    channel.sendToQueue('dlq.work', Buffer.from('dead'), { persistent: true });
    await channel.waitForConfirms();
    await channel.close();
  });

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await vhost?.drop();
  });

  it('reads the exact depth and consumers at once, and skips a queue that does not exist', async () => {
    const consumer = await connection.createChannel();
    await consumer.prefetch(1);
    await consumer.consume('work', () => undefined, { noAck: false });
    const stats = await new AmqpQueueStats(() => connection).stats(['work', 'missing', 'dlq.work']);
    // One message is with the consumer (unacknowledged): the depth counts the two still waiting.
    expect(stats.get('work')).toEqual({ messages: 2, consumers: 1 });
    expect(stats.get('dlq.work')).toEqual({ messages: 1, consumers: 0 });
    expect(stats.has('missing')).toBe(false);
    await consumer.close();
  });

  it('answers nothing while not connected', async () => {
    expect((await new AmqpQueueStats(() => undefined).stats(['work'])).size).toBe(0);
  });
});
