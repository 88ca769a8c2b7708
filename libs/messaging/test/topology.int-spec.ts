import * as amqplib from 'amqplib';
import { declareTopology, removeStaleBindings, type Topology } from '@edoc/messaging';
import { createTestVhost, waitFor, type TestVhost } from '@edoc/testing';
import { header, takeMessages } from './support/fixtures';

describe('declareTopology (real RabbitMQ)', () => {
  let vhost: TestVhost;
  let connection: amqplib.ChannelModel;
  const topology: Topology = {
    exchanges: [{ name: 'edoc.events', type: 'topic' }],
    queues: [{ name: 'routing.events', bindings: [{ exchange: 'edoc.events', routingKey: 'document.*' }], deliveryLimit: 2 }],
    deadLetterExchange: 'edoc.dlx',
  };

  beforeAll(async () => {
    vhost = await createTestVhost();
    connection = await amqplib.connect(vhost.amqpUrl);
    connection.on('error', () => undefined);
  });

  afterAll(async () => {
    await connection.close().catch(() => undefined);
    await vhost.drop();
  });

  it('declares quorum queues with delivery limit and dead-letter queue, and can run again', async () => {
    const first = await declareTopology(vhost.amqpUrl, topology);
    const second = await declareTopology(vhost.amqpUrl, topology);
    expect(second).toEqual(first);
    expect(first.queues.sort()).toEqual(['dlq.routing.events', 'dlq.unroutable', 'routing.events']);
    const queue = await vhost.management.getQueue(vhost.vhost, 'routing.events');
    expect(queue.type).toBe('quorum');
    expect(queue.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 2,
      'x-dead-letter-exchange': 'edoc.dlx',
      'x-dead-letter-routing-key': 'routing.events',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect((await vhost.management.getQueue(vhost.vhost, 'dlq.routing.events')).type).toBe('quorum');
  });

  it('makes the broker itself dead-letter a message a consumer keeps rejecting (e.g. a crashing ward system)', async () => {
    const channel = await connection.createConfirmChannel();
    await new Promise<void>((resolve, reject) =>
      channel.publish('edoc.events', 'document.issued', Buffer.from('x'), { messageId: 'loop-1', persistent: true }, (error: unknown) =>
        error ? reject(error) : resolve(),
      ),
    );
    let deliveries = 0;
    await channel.consume('routing.events', (message) => {
      if (message === null) return;
      deliveries++;
      channel.nack(message, false, true);
    });
    const [dead] = await takeMessages(channel, 'dlq.routing.events', 1);
    expect(dead!.properties.messageId).toBe('loop-1');
    expect(header(dead!, 'x-first-death-reason')).toBe('delivery_limit');
    await waitFor('deliveries to stop', () => deliveries === 3);
    await channel.close();
  });

  it('leaves a conflicting existing queue alone and says so', async () => {
    const channel = await connection.createChannel();
    await channel.assertQueue('intake.events', { durable: true });
    channel.sendToQueue('intake.events', Buffer.from('keep me'));
    await channel.close();
    await expect(
      declareTopology(vhost.amqpUrl, { ...topology, queues: [{ name: 'intake.events', bindings: [] }] }),
    ).rejects.toThrow(/^queue intake\.events already exists with other settings \(.*PRECONDITION_FAILED.*\); it was left as it is/);
    const check = await connection.createChannel();
    await waitFor('the message to still be there', async () => (await check.checkQueue('intake.events')).messageCount === 1);
    await check.close();
  });

  it('declares anew an empty, unused queue an older release declared with other settings (made single-active since)', async () => {
    const unordered: Topology = { ...topology, queues: [{ name: 'gateway.statuses', bindings: [{ exchange: 'edoc.events', routingKey: 'edxml.status' }] }] };
    const ordered: Topology = { ...topology, queues: [{ ...unordered.queues[0], ordered: true }] };
    expect((await declareTopology(vhost.amqpUrl, unordered)).redeclared).toEqual([]);

    // While it has a consumer it is left alone, and the consumer keeps it.
    const consumer = await connection.createChannel();
    const { consumerTag } = await consumer.consume('gateway.statuses', () => undefined);
    await expect(declareTopology(vhost.amqpUrl, ordered)).rejects.toThrow(/^queue gateway\.statuses already exists with other settings .*it was left as it is because it holds messages or has a consumer/);
    await consumer.cancel(consumerTag);
    await consumer.close();
    const probe = await connection.createChannel();
    await waitFor('the broker to count the consumer gone', async () => (await probe.checkQueue('gateway.statuses')).consumerCount === 0);
    await probe.close();

    expect((await declareTopology(vhost.amqpUrl, ordered)).redeclared).toEqual(['gateway.statuses']);
    const queue = await vhost.management.getQueue(vhost.vhost, 'gateway.statuses');
    expect(queue.arguments).toMatchObject({ 'x-single-active-consumer': true, 'x-queue-type': 'quorum' });
    // Bound again: a status published now reaches it.
    const publisher = await connection.createConfirmChannel();
    publisher.publish('edoc.events', 'edxml.status', Buffer.from('03'), { persistent: true });
    await publisher.waitForConfirms();
    await publisher.close();
    const check = await connection.createChannel();
    await waitFor('the status to reach the new queue', async () => (await check.checkQueue('gateway.statuses')).messageCount === 1);
    await check.close();
    expect((await declareTopology(vhost.amqpUrl, ordered)).redeclared).toEqual([]);
  });

  it('reports an unreachable broker without its password', async () => {
    await expect(declareTopology('amqp://edoc:very-secret@127.0.0.1:1/x', topology)).rejects.toThrow(
      /^cannot connect to RabbitMQ at amqp:\/\/edoc:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/,
    );
  });

  it('removes the bindings a topology no longer has, and leaves alone those of exchanges it does not know', async () => {
    const older: Topology = { ...topology, exchanges: [...topology.exchanges, { name: 'edoc.status', type: 'topic' }], queues: [{ name: 'routing.status', bindings: [{ exchange: 'edoc.status', routingKey: '#' }, { exchange: 'edoc.events', routingKey: 'status.reported' }] }] };
    const newer: Topology = { ...older, queues: [{ name: 'routing.status', bindings: [{ exchange: 'edoc.status', routingKey: '000.32.13.H26' }, { exchange: 'edoc.events', routingKey: 'status.reported' }] }] };
    await declareTopology(vhost.amqpUrl, older);
    const channel = await connection.createChannel();
    await channel.assertExchange('someone.else', 'fanout', { durable: false, autoDelete: false });
    await channel.bindQueue('routing.status', 'someone.else', '');
    await channel.close();
    await declareTopology(vhost.amqpUrl, newer);
    expect(await removeStaleBindings(vhost.managementUrl, vhost.vhost, newer)).toEqual(['edoc.status -> routing.status (#)']);
    const left = (await vhost.management.listQueueBindings(vhost.vhost, 'routing.status')).filter((b) => b.source !== '').map((b) => `${b.source} ${b.routing_key}`).sort();
    expect(left).toEqual(['edoc.events status.reported', 'edoc.status 000.32.13.H26', 'someone.else ']);
    expect(await removeStaleBindings(vhost.managementUrl, vhost.vhost, newer)).toEqual([]);
  });
});
