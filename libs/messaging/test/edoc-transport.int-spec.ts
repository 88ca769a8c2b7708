import { randomUUID } from 'node:crypto';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { create, DocumentFailedSchema, DocumentIssuedSchema, DocumentNumberedSchema, toBinary, type DocumentFailed } from '@edoc/contracts';
import {
  AmqpConnection,
  EdocExceptionFilter,
  EdocMessageContext,
  EdocTransport,
  Inbox,
  MessagePublisher,
  PermanentMessageError,
  type Refusal,
} from '@edoc/messaging';
import { forceCloseConnections, waitFor } from '@edoc/testing';
import { eventsTopology, messagingEnvironment, type MessagingEnvironment } from './support/environment';
import { failedMessage, header, recordingLogger, silentLogger, takeMessages } from './support/fixtures';

// amqplib's channel class, whose queue check a test cuts short; not in its published types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Channel: AmqplibChannel } = require('amqplib/lib/channel_model') as { Channel: { prototype: { checkQueue(queue: string): Promise<unknown> } } };

/** What the handler saw; the handler's behaviour is chosen by the event's `reason` field. */
const seen = {
  calls: new Map<string, EdocMessageContext[]>(),
  handledAt: new Map<string, number>(),
  active: 0,
  maxActive: 0,
  gate: Promise.resolve(),
  env: undefined as MessagingEnvironment | undefined,
  flowedPastPoison: undefined as boolean | undefined,
};
const effectsOf = async (documentId: string) =>
  (await seen.env!.db.query('SELECT 1 FROM svc.effects WHERE document_id = $1', [documentId])).rowCount ?? 0;
const inbox = new Inbox('svc');
const refusals: Refusal[] = [];

@Controller()
class TestHandlers {
  @EventPattern(DocumentFailedSchema.typeName)
  async onFailed(@Payload() event: DocumentFailed, @Ctx() ctx: EdocMessageContext): Promise<void> {
    seen.calls.set(event.documentId, [...(seen.calls.get(event.documentId) ?? []), ctx]);
    seen.active++;
    seen.maxActive = Math.max(seen.maxActive, seen.active);
    try {
      if (event.reason === 'fail-always') throw new Error(`cannot handle ${event.documentId}`);
      if (event.reason === 'poison') {
        // Hold the first attempt until the messages published after it were handled: if the poison
        // blocked the queue, they never would be and this records false.
        if (ctx.deliveryCount === 0) {
          seen.flowedPastPoison = await waitFor('later messages', async () => (await effectsOf('d-after-1')) + (await effectsOf('d-after-2')) === 2, { timeoutMs: 5_000 }).then(
            () => true,
            () => false,
          );
        }
        throw new Error(`cannot handle ${event.documentId}`);
      }
      if (event.reason === 'fail-once' && ctx.deliveryCount === 0) throw new Error('database restarting');
      if (event.reason === 'permanent') throw new PermanentMessageError(`recipient of ${event.documentId} does not exist`);
      if (event.reason === 'gate') await seen.gate;
      await seen.env!.db.transaction(async (tx) => {
        if (!(await inbox.claim(tx, ctx.messageId, 'transport-test'))) return;
        await tx.query('INSERT INTO svc.effects VALUES ($1)', [event.documentId]);
      });
      seen.handledAt.set(event.documentId, Date.now());
    } finally {
      seen.active--;
    }
  }
}

@Module({ controllers: [TestHandlers] })
class TestModule {}

describe('EdocTransport in a Nest microservice (real RabbitMQ and PostgreSQL)', () => {
  let env: MessagingEnvironment;
  let app: INestMicroservice;
  let publisherConnection: AmqpConnection;
  let publisher: MessagePublisher;

  const publish = (documentId: string, reason = 'ok', extra: { headers?: Record<string, string> } = {}) =>
    publisher.publish({ ...failedMessage('edoc.events', 'document.failed', documentId, reason), ...extra });
  const effects = async (documentId: string) =>
    (await env.db.query('SELECT 1 FROM svc.effects WHERE document_id = $1', [documentId])).rowCount;

  beforeAll(async () => {
    env = await messagingEnvironment(
      eventsTopology([
        { name: 'svc.events', bindings: [{ exchange: 'edoc.events', routingKey: 'document.#' }] },
        { name: 'svc.slow', bindings: [{ exchange: 'edoc.events', routingKey: 'slow.#' }] },
        { name: 'svc.late', bindings: [{ exchange: 'edoc.events', routingKey: 'late.#' }] },
      ]),
    );
    seen.env = env;
    await env.db.query('CREATE TABLE svc.effects (document_id text NOT NULL)');
    const transport = new EdocTransport({
      url: env.vhost.amqpUrl,
      queues: ['svc.events'],
      contract: {
        'svc.events': { [DocumentFailedSchema.typeName]: ['guest'], [DocumentNumberedSchema.typeName]: ['guest'], [DocumentIssuedSchema.typeName]: ['edoc-signing'] },
      },
      onRefused: (refusal) => {
        if (refusal.messageId === 'refusal-cannot-be-recorded' && refusals.filter((r) => r.messageId === refusal.messageId).length === 0) {
          refusals.push({ ...refusal, reason: 'failed to record' });
          throw new Error('the audit table is locked');
        }
        refusals.push(refusal);
      },
      serviceName: 'transport-test',
      prefetch: 3,
      deliveryLimit: 3,
      retryDelayMs: 20,
      maxMessageBytes: 4096,
      logger: silentLogger,
    });
    app = await NestFactory.createMicroservice(TestModule, { strategy: transport, logger: false });
    app.useGlobalFilters(new EdocExceptionFilter());
    await app.listen();
    publisherConnection = await AmqpConnection.connect(env.vhost.amqpUrl, { name: 'test-publisher', logger: silentLogger });
    publisher = new MessagePublisher(publisherConnection, { appId: 'test-publisher', userId: 'guest' });
  });

  afterAll(async () => {
    await app?.close();
    await publisher?.close();
    await publisherConnection?.close();
    await env.cleanup();
  });

  it('hands the decoded message and its context to the @EventPattern handler, then acks', async () => {
    const messageId = await publish('d-ok', 'ok', { headers: { trace: 't-1' } });
    await waitFor('the effect', async () => (await effects('d-ok')) === 1);
    const [ctx] = seen.calls.get('d-ok')!;
    expect(ctx).toBeInstanceOf(EdocMessageContext);
    expect(ctx).toEqual(
      expect.objectContaining({
        messageId,
        type: 'edoc.v1.DocumentFailed',
        exchange: 'edoc.events',
        routingKey: 'document.failed',
        queue: 'svc.events',
        userId: 'guest',
        appId: 'test-publisher',
        deliveryCount: 0,
        redelivered: false,
      }),
    );
    expect(ctx!.headers.trace).toBe('t-1');
    expect(ctx!.timestamp).toBeInstanceOf(Date);
    const { messageCount } = await env.channel.checkQueue('svc.events');
    expect(messageCount).toBe(0);
  });

  it('requeues a failing message and handles it when a later attempt succeeds', async () => {
    await publish('d-flaky', 'fail-once');
    await waitFor('the effect', async () => (await effects('d-flaky')) === 1);
    const calls = seen.calls.get('d-flaky')!;
    expect(calls.map((ctx) => [ctx.deliveryCount, ctx.redelivered])).toEqual([
      [0, false],
      [1, true],
    ]);
    const { messageCount } = await env.channel.checkQueue('dlq.svc.events');
    expect(messageCount).toBe(0);
  });

  it('dead-letters a message that keeps failing, with the reason, while the messages behind it flow', async () => {
    const poisonId = await publish('d-poison', 'poison');
    await publish('d-after-1');
    await publish('d-after-2');
    const [dead] = await takeMessages(env.channel, 'dlq.svc.events', 1, 15_000);
    expect(dead!.properties.messageId).toBe(poisonId);
    expect(header(dead!, 'x-edoc-reason')).toBe('cannot handle d-poison (gave up after 3 attempts)');
    expect(header(dead!, 'x-edoc-queue')).toBe('svc.events');
    expect(header(dead!, 'x-edoc-attempts')).toBe(3);
    expect(header(dead!, 'x-edoc-dead-lettered-by')).toBe('transport-test');
    expect(dead!.properties.type).toBe('edoc.v1.DocumentFailed');
    expect(seen.calls.get('d-poison')).toHaveLength(3);
    expect(seen.flowedPastPoison).toBe(true);
    expect((await env.channel.checkQueue('svc.events')).messageCount).toBe(0);
  });

  it('dead-letters at once on PermanentMessageError, without retrying', async () => {
    await publish('d-permanent', 'permanent');
    const [dead] = await takeMessages(env.channel, 'dlq.svc.events', 1);
    expect(header(dead!, 'x-edoc-reason')).toBe('recipient of d-permanent does not exist');
    expect(header(dead!, 'x-edoc-attempts')).toBe(1);
    expect(seen.calls.get('d-permanent')).toHaveLength(1);
  });

  it('dead-letters at once what cannot be decoded, without calling the handler', async () => {
    const base = { messageId: randomUUID(), type: DocumentFailedSchema.typeName, contentType: 'application/x-protobuf', userId: 'guest' };
    const raw = (content: Buffer, properties: Record<string, unknown>) =>
      publisher.publishRaw({
        exchange: 'edoc.events',
        routingKey: 'document.failed',
        content,
        properties: { ...base, messageId: randomUUID(), ...properties } as { messageId: string },
      });
    const before = [...seen.calls.values()].flat().length;
    await raw(Buffer.from([0xff, 0xff, 0xff, 0xff]), { headers: { case: 'malformed' } });
    await raw(Buffer.from('{}'), { type: 'edoc.v1.NoSuchThing', headers: { case: 'unknown' } });
    await raw(Buffer.from(''), { type: DocumentNumberedSchema.typeName, headers: { case: 'no-handler' } });
    await raw(Buffer.alloc(5000), { headers: { case: 'too-big' } });
    // Without messageId: the broker does not require one, a foreign publisher may omit it.
    await raw(Buffer.from(''), { messageId: undefined, headers: { case: 'no-id' } });
    const dead = await takeMessages(env.channel, 'dlq.svc.events', 5);
    const reasons = Object.fromEntries(dead.map((message) => [header(message, 'case'), header(message, 'x-edoc-reason')]));
    expect(reasons).toEqual({
      malformed: expect.stringMatching(/^malformed protobuf body for edoc.v1.DocumentFailed: /),
      unknown: 'type edoc.v1.NoSuchThing is not accepted on queue svc.events',
      'no-handler': 'service transport-test has no handler for edoc.v1.DocumentNumbered',
      'too-big': 'body of 5000 bytes exceeds the limit of 4096 bytes (files travel by claim check, not in messages)',
      'no-id': 'missing messageId property',
    });
    expect(dead.every((message) => header(message, 'x-edoc-attempts') === 1)).toBe(true);
    expect([...seen.calls.values()].flat().length).toBe(before);
  });

  it('refuses a type its queue does not take, or one its publisher does not own: never handled, recorded, dead-lettered with the reason', async () => {
    const before = [...seen.calls.values()].flat().length;
    const issued = Buffer.from(toBinary(DocumentIssuedSchema, create(DocumentIssuedSchema, {})));
    const raw = (messageId: string, type: string, content: Buffer) =>
      publisher.publishRaw({ exchange: 'edoc.events', routingKey: 'document.issued', content, properties: { messageId, type, contentType: 'application/x-protobuf', userId: 'guest' } });
    // DocumentIssued is signing's: the test's user (guest) does not own it, so its body is not even decoded.
    await raw('forged-issued', DocumentIssuedSchema.typeName, issued);
    await raw('forged-garbage', DocumentIssuedSchema.typeName, Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await raw('stranger-type', 'edoc.v1.StatusReport', issued);
    // Recording fails once (not an outage): the message is retried, then recorded and dead-lettered once.
    await raw('refusal-cannot-be-recorded', 'edoc.v1.StatusReport', issued);
    const dead = await takeMessages(env.channel, 'dlq.svc.events', 4);
    const reasons = Object.fromEntries(dead.map((message) => [message.properties.messageId as string, header(message, 'x-edoc-reason')]));
    expect(reasons).toEqual({
      'forged-issued': 'edoc.v1.DocumentIssued on queue svc.events published by guest, expected edoc-signing',
      'forged-garbage': 'edoc.v1.DocumentIssued on queue svc.events published by guest, expected edoc-signing',
      'stranger-type': 'type edoc.v1.StatusReport is not accepted on queue svc.events',
      'refusal-cannot-be-recorded': 'type edoc.v1.StatusReport is not accepted on queue svc.events',
    });
    // The copy names the service that refused it (its own user id) and keeps the publisher's.
    expect(dead.every((message) => message.properties.userId === 'guest' && header(message, 'x-edoc-user-id') === 'guest')).toBe(true);
    expect([...seen.calls.values()].flat().length).toBe(before);
    const recorded = refusals.filter((r) => ['forged-issued', 'forged-garbage', 'stranger-type', 'refusal-cannot-be-recorded'].includes(r.messageId ?? ''));
    expect(recorded.map((r) => [r.messageId, r.kind, r.reason === 'failed to record' ? 'failed' : 'recorded', r.publishedBy]).sort()).toEqual(
      [
        ['forged-garbage', 'wrong_publisher', 'recorded', 'guest'],
        ['forged-issued', 'wrong_publisher', 'recorded', 'guest'],
        ['refusal-cannot-be-recorded', 'type_not_accepted', 'failed', 'guest'],
        ['refusal-cannot-be-recorded', 'type_not_accepted', 'recorded', 'guest'],
        ['stranger-type', 'type_not_accepted', 'recorded', 'guest'],
      ],
    );
  });

  it('never runs more handlers at once than the prefetch', async () => {
    let open!: () => void;
    seen.gate = new Promise<void>((resolve) => (open = resolve));
    seen.maxActive = 0;
    for (let index = 0; index < 8; index++) await publish(`d-gate-${index}`, 'gate');
    await waitFor('three handlers waiting', () => seen.active === 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.active).toBe(3);
    open();
    await waitFor('all eight handled', async () => {
      const { rows } = await env.db.query<{ count: string }>("SELECT count(*) FROM svc.effects WHERE document_id LIKE 'd-gate-%'");
      return rows[0]!.count === '8';
    });
    expect(seen.maxActive).toBe(3);
  });

  it('reconnects after the broker closes its connection, and loses or repeats no effect', async () => {
    let open!: () => void;
    seen.gate = new Promise<void>((resolve) => (open = resolve));
    for (let index = 0; index < 5; index++) await publish(`d-cut-${index}`, 'gate');
    await waitFor('three handlers waiting', () => seen.active === 3);
    expect(await forceCloseConnections(env.vhost.management, env.vhost.vhost, 'transport-test')).toBe(1);
    // The handlers finish after their channel is gone: their acks are lost, the broker redelivers.
    open();
    for (let index = 5; index < 10; index++) await publish(`d-cut-${index}`);
    await waitFor(
      'ten effects',
      async () => {
        const { rows } = await env.db.query<{ count: string }>("SELECT count(DISTINCT document_id) FROM svc.effects WHERE document_id LIKE 'd-cut-%'");
        return rows[0]!.count === '10';
      },
      { timeoutMs: 20_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows } = await env.db.query<{ document_id: string; n: string }>(
      "SELECT document_id, count(*) AS n FROM svc.effects WHERE document_id LIKE 'd-cut-%' GROUP BY document_id",
    );
    expect(rows.every((row) => row.n === '1')).toBe(true);
    const redelivered = [...seen.calls.entries()].filter(([id, calls]) => id.startsWith('d-cut-') && calls.length > 1);
    expect(redelivered.length).toBeGreaterThanOrEqual(3);
  });

  it('counts a handler that never finishes as failed, so it cannot hold its slot for ever', async () => {
    const transport = new EdocTransport({
      url: env.vhost.amqpUrl,
      queues: ['svc.slow'],
      contract: { 'svc.slow': { [DocumentFailedSchema.typeName]: ['guest'] } },
      serviceName: 'hang-test',
      deliveryLimit: 2,
      retryDelayMs: 10,
      handlerTimeoutMs: 150,
      logger: silentLogger,
    });
    let calls = 0;
    transport.addHandler(DocumentFailedSchema.typeName, () => {
      calls++;
      return new Promise<never>(() => undefined);
    }, true);
    await new Promise<void>((resolve, reject) => transport.listen((error) => (error ? reject(error) : resolve())));
    try {
      const messageId = await publisher.publish(failedMessage('edoc.events', 'slow.hang', 'd-hang'));
      const [dead] = await takeMessages(env.channel, 'dlq.svc.slow', 1);
      expect(dead!.properties.messageId).toBe(messageId);
      expect(header(dead!, 'x-edoc-reason')).toBe('handler did not finish within 150 ms (gave up after 2 attempts)');
      expect(calls).toBe(2);
    } finally {
      await transport.close();
    }
  });

  it('starts once the broker is back when the connection is lost while it checks its queues, instead of failing', async () => {
    // A service restarted while RabbitMQ restarts: the broker goes away between the connect and the
    // queue check. The chaos suite saw routing exit there with "Channel ended, no reply will be forthcoming".
    const original = AmqplibChannel.prototype.checkQueue;
    const check = jest.spyOn(AmqplibChannel.prototype, 'checkQueue').mockImplementationOnce(async function (this: unknown, queue: string) {
      expect(await forceCloseConnections(env.vhost.management, env.vhost.vhost, 'late-test')).toBe(1);
      return original.call(this, queue);
    });
    const logger = recordingLogger();
    const transport = new EdocTransport({
      url: env.vhost.amqpUrl,
      queues: ['svc.late'],
      contract: { 'svc.late': { [DocumentFailedSchema.typeName]: ['guest'] } },
      serviceName: 'late-test',
      logger,
    });
    const handled: string[] = [];
    transport.addHandler(DocumentFailedSchema.typeName, async (event: DocumentFailed) => {
      handled.push(event.documentId);
    }, true);
    try {
      const error = await new Promise<unknown>((resolve) => transport.listen(resolve));
      expect(error).toBeUndefined();
      expect(check.mock.calls.length).toBeGreaterThan(1);
      expect(logger.lines.some((line) => /checking queue svc\.late failed \(.+\); asking again in \d+ ms/.test(line))).toBe(true);
      await publisher.publish(failedMessage('edoc.events', 'late.one', 'd-late'));
      await waitFor('the late message handled', () => handled.includes('d-late'));
    } finally {
      check.mockRestore();
      await transport.close();
    }
  });

  it('refuses to start when its queue was not provisioned, and says what to do', async () => {
    const transport = new EdocTransport({ url: env.vhost.amqpUrl, queues: ['never.declared'], contract: { 'never.declared': {} }, serviceName: 'lost-service', logger: silentLogger });
    const error = await new Promise<unknown>((resolve) => transport.listen(resolve));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `queue "never.declared" does not exist in vhost "${env.vhost.vhost}": run \`npm run provision\` to declare the broker topology`,
    );
  });
});
