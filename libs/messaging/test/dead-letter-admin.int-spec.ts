import { randomUUID } from 'node:crypto';
import { DocumentFailedSchema, fromBinary } from '@edoc/contracts';
import {
  AmqpConnection,
  DeadLetterAdmin,
  deadLetterCopy,
  discardDeadLetter,
  listDeadLetters,
  MessagePublisher,
  replayDeadLetter,
  showDeadLetter,
  toOutgoing,
} from '@edoc/messaging';
import { waitFor } from '@edoc/testing';
import { eventsTopology, messagingEnvironment, type MessagingEnvironment } from './support/environment';
import { failedMessage, header, silentLogger, takeMessages } from './support/fixtures';

describe('dead-letter administration (real RabbitMQ)', () => {
  let env: MessagingEnvironment;
  let connection: AmqpConnection;
  let publisher: MessagePublisher;
  let options: { amqpUrl: string; managementUrl: string };
  const ids: Record<string, string> = {};

  /** A message as the transport dead-letters it after failing in `queue`. */
  const deadLetterFrom = async (queue: string, documentId: string, reason: string) => {
    const original = toOutgoing(failedMessage('edoc.events', 'document.failed', documentId), { appId: 'signing' });
    await publisher.publishRaw(
      deadLetterCopy(
        original,
        { reason, queue, attempts: 5, exchange: 'edoc.events', routingKey: 'document.failed', deadLetteredBy: 'routing' },
        'edoc.dlx',
        queue,
      ),
    );
    return original.properties.messageId;
  };

  beforeAll(async () => {
    env = await messagingEnvironment(
      eventsTopology([
        { name: 'routing.events', bindings: [{ exchange: 'edoc.events', routingKey: 'document.#' }] },
        { name: 'archival.events', bindings: [{ exchange: 'edoc.events', routingKey: 'document.#' }] },
        { name: 'metrics.events', bindings: [{ exchange: 'edoc.events', routingKey: 'nothing.yet' }], deliveryLimit: 1 },
      ]),
    );
    connection = await AmqpConnection.connect(env.vhost.amqpUrl, { name: 'dlq-test', logger: silentLogger });
    publisher = new MessagePublisher(connection);
    options = { amqpUrl: env.vhost.amqpUrl, managementUrl: env.vhost.managementUrl };
  });

  afterAll(async () => {
    await publisher.close();
    await connection.close();
    await env.cleanup();
  });

  it('lists dead letters of every dlq.* queue with their reasons, leaving them in place', async () => {
    const first = await deadLetterFrom('routing.events', 'd-1', 'recipient unknown');
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct dead-letter times
    const second = await deadLetterFrom('routing.events', 'd-2', 'register closed');
    ids['d-1'] = first;
    ids['d-2'] = second;
    const third = await deadLetterFrom('archival.events', 'd-3', 'bucket full');
    // One the broker dead-lettered by itself: a consumer rejected it without the edoc transport.
    const brokerDead = await publisher.publish(failedMessage('', 'metrics.events', 'd-4'));
    const fetched = await env.channel.get('metrics.events', { noAck: false });
    expect(fetched && fetched.properties.messageId).toBe(brokerDead);
    env.channel.nack(fetched as Exclude<typeof fetched, false>, false, false);
    await waitFor('the broker to dead-letter it', async () => (await env.channel.checkQueue('dlq.metrics.events')).messageCount === 1);

    const letters = await listDeadLetters(options);
    expect(letters.map((letter) => [letter.id, letter.reason])).toEqual([
      [`dlq.archival.events/${third}`, 'bucket full'],
      [`dlq.metrics.events/${brokerDead}`, 'broker: rejected'],
      [`dlq.routing.events/${first}`, 'recipient unknown'],
      [`dlq.routing.events/${second}`, 'register closed'],
    ]);
    expect(letters[2]).toEqual(
      expect.objectContaining({ queue: 'routing.events', attempts: 5, type: 'edoc.v1.DocumentFailed', deadLetteredBy: 'routing', appId: 'signing', replayCount: 0 }),
    );
    expect(letters[1]).toEqual(expect.objectContaining({ queue: 'metrics.events', deadLetteredBy: 'broker' }));
    // Looking changed nothing: everything is still there, listed alike however often one looks.
    expect(await listDeadLetters(options, { limit: 1 })).toHaveLength(1);
    await showDeadLetter(options, `dlq.routing.events/${second}`);
    await listDeadLetters(options, { queue: 'routing.events', limit: 1 });
    expect((await listDeadLetters(options)).map((letter) => letter.id)).toEqual(letters.map((letter) => letter.id));
  });

  it('shows one with its decoded body', async () => {
    const details = await showDeadLetter(options, `dlq.routing.events/${ids['d-1']}`);
    expect(details.decoded).toEqual({ documentId: 'd-1', issuerCode: '000.00.00.H41', stage: 'numbering', reason: 'ok' });
    expect(details.headers['x-edoc-reason']).toBe('recipient unknown');
    expect(details.contentType).toBe('application/x-protobuf');
  });

  it('replays one into the queue it failed in only, as the same message without the dead-letter record', async () => {
    const letters = await listDeadLetters(options, { queue: 'routing.events' });
    const target = letters.find((letter) => letter.messageId === ids['d-1'])!;
    const replayed = await replayDeadLetter(options, target.messageId!); // a bare messageId is enough when unique
    expect(replayed.id).toBe(target.id);
    const [back] = await takeMessages(env.channel, 'routing.events', 1);
    expect(back!.properties.messageId).toBe(target.messageId);
    expect(back!.properties.type).toBe('edoc.v1.DocumentFailed');
    expect(header(back!, 'x-edoc-reason')).toBeUndefined();
    expect(header(back!, 'x-edoc-replay-count')).toBe(1);
    expect(fromBinary(DocumentFailedSchema, back!.content).documentId).toBe('d-1');
    expect((await env.channel.checkQueue('archival.events')).messageCount).toBe(0);
    expect((await listDeadLetters(options, { queue: 'routing.events' })).map((letter) => letter.messageId)).toEqual([ids['d-2']]);
  });

  it('discards one for good', async () => {
    const [letter] = await listDeadLetters(options, { queue: 'archival.events' });
    await discardDeadLetter(options, letter!.id);
    expect(await listDeadLetters(options, { queue: 'archival.events' })).toEqual([]);
  });

  it('replays an unroutable message to its exchange once a queue is bound, and keeps it while none is', async () => {
    const messageId = randomUUID();
    const original = toOutgoing(failedMessage('edoc.events', 'late.binding', 'd-late', 'ok', messageId), { appId: 'intake' });
    await publisher.publishRaw(
      deadLetterCopy(original, { reason: 'unroutable: edoc.events/late.binding', exchange: 'edoc.events', routingKey: 'late.binding', deadLetteredBy: 'outbox-relay:intake' }, 'edoc.dlx', 'unroutable'),
    );
    const admin = new DeadLetterAdmin(options);
    try {
      await expect(admin.replay(`dlq.unroutable/${messageId}`)).rejects.toThrow(
        `replay of dlq.unroutable/${messageId} is unroutable (edoc.events/late.binding has no queue); it stays in dlq.unroutable`,
      );
      expect((await admin.list({ queue: 'dlq.unroutable' })).map((letter) => letter.messageId)).toEqual([messageId]);
      await env.channel.bindQueue('routing.events', 'edoc.events', 'late.binding');
      await admin.replay(`dlq.unroutable/${messageId}`);
      const [back] = await takeMessages(env.channel, 'routing.events', 1);
      expect(back!.properties.messageId).toBe(messageId);
      expect(await admin.list({ queue: 'unroutable' })).toEqual([]);
    } finally {
      await admin.close();
    }
  });

  it('names an unknown or ambiguous id', async () => {
    await expect(showDeadLetter(options, 'dlq.routing.events/nope')).rejects.toThrow('no dead letter dlq.routing.events/nope');
    await expect(showDeadLetter(options, 'nope')).rejects.toThrow('no dead letter with messageId nope');
    await expect(showDeadLetter(options, 'dlq.not.there/x')).rejects.toThrow('dead-letter queue dlq.not.there does not exist');
    const messageId = randomUUID();
    for (const queue of ['routing.events', 'archival.events']) {
      const original = toOutgoing(failedMessage('edoc.events', 'document.failed', 'd-twice', 'ok', messageId), { appId: 'signing' });
      await publisher.publishRaw(deadLetterCopy(original, { reason: 'r', queue, exchange: 'edoc.events', routingKey: 'document.failed', deadLetteredBy: 't' }, 'edoc.dlx', queue));
    }
    await expect(replayDeadLetter(options, messageId)).rejects.toThrow(
      `messageId ${messageId} is in several dead-letter queues: dlq.archival.events/${messageId}, dlq.routing.events/${messageId}; use the full id`,
    );
  });
});
