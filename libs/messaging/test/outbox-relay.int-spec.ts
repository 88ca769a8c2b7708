import { randomUUID } from 'node:crypto';
import { DocumentFailedSchema, fromBinary, type DocumentFailed } from '@edoc/contracts';
import { AmqpConnection, EdocMessageContext, EdocTransport, Inbox, Outbox, OutboxRelay, outboxNotifyChannel } from '@edoc/messaging';
import { forceCloseConnections, waitFor } from '@edoc/testing';
import { eventsTopology, messagingEnvironment, type MessagingEnvironment } from './support/environment';
import { expectNoMessage, failedMessage, header, silentLogger, takeMessages } from './support/fixtures';

describe('Outbox and OutboxRelay (real PostgreSQL and RabbitMQ)', () => {
  let env: MessagingEnvironment;
  let connection: AmqpConnection;
  const outbox = new Outbox('svc');
  const relays: OutboxRelay[] = [];

  const newRelay = (opts: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}) => {
    const relay = new OutboxRelay({ db: env.db, schema: 'svc', connection, pollMs: 200, logger: silentLogger, appId: 'test-service', ...opts });
    relays.push(relay);
    return relay;
  };

  beforeAll(async () => {
    env = await messagingEnvironment(eventsTopology([{ name: 'test.events', bindings: [{ exchange: 'edoc.events', routingKey: 'document.#' }] }]));
    await env.db.query('CREATE TABLE svc.documents (id text PRIMARY KEY)');
    await env.db.query('CREATE TABLE svc.effects (document_id text NOT NULL)');
    connection = await AmqpConnection.connect(env.vhost.amqpUrl, { name: 'relay-test', logger: silentLogger });
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await env.db.query('DELETE FROM svc.outbox');
    await env.channel.purgeQueue('test.events');
    await env.channel.purgeQueue('dlq.unroutable');
  });

  afterAll(async () => {
    await connection.close();
    await env.cleanup();
  });

  it('fails a transaction that writes a message id the outbox already holds, saying so, and commits none of it', async () => {
    const messageId = randomUUID();
    await env.db.transaction((tx) => outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-first', 'ok', messageId)));
    await expect(
      env.db.transaction(async (tx) => {
        await tx.query('INSERT INTO svc.documents VALUES ($1)', ['d-again']);
        await outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-again', 'ok', messageId));
      }),
    ).rejects.toThrow(`the outbox of svc already holds message ${messageId}`);
    expect((await env.db.query('SELECT id FROM svc.documents WHERE id = $1', ['d-again'])).rows).toHaveLength(0);
    const { rows } = await env.db.query<{ count: string }>('SELECT count(*) FROM svc.outbox WHERE message_id = $1', [messageId]);
    expect(rows[0]!.count).toBe('1');
  });

  it('rejects, rather than throws at the call, a message that is not valid, and its transaction writes nothing', async () => {
    let thrownAtCall: unknown;
    await expect(
      env.db.transaction(async (tx) => {
        await tx.query('INSERT INTO svc.documents VALUES ($1)', ['d-invalid']);
        let queued: Promise<string>;
        try {
          queued = outbox.enqueue(tx, { ...failedMessage('edoc.events', 'document.failed', 'd-invalid'), messageId: 'not-a-uuid' });
        } catch (error) {
          thrownAtCall = error;
          throw error;
        }
        await queued;
      }),
    ).rejects.toThrow(/messageId must be a UUID/);
    expect(thrownAtCall).toBeUndefined();
    expect((await env.db.query('SELECT id FROM svc.documents WHERE id = $1', ['d-invalid'])).rows).toHaveLength(0);
    expect((await env.db.query('SELECT seq FROM svc.outbox')).rows).toHaveLength(0);
  });

  it('publishes what was committed, with its properties, and nothing of a rolled-back transaction', async () => {
    const committedId = randomUUID();
    await env.db.transaction(async (tx) => {
      await tx.query('INSERT INTO svc.documents VALUES ($1)', ['d-commit']);
      await outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-commit', 'ok', committedId));
    });
    await expect(
      env.db.transaction(async (tx) => {
        await tx.query('INSERT INTO svc.documents VALUES ($1)', ['d-rollback']);
        await outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-rollback'));
        throw new Error('validation failed after the event was written');
      }),
    ).rejects.toThrow('validation failed');

    const relay = newRelay();
    relay.start();
    const [message] = await takeMessages(env.channel, 'test.events', 1);
    expect(message!.properties).toEqual(
      expect.objectContaining({
        messageId: committedId,
        type: 'edoc.v1.DocumentFailed',
        contentType: 'application/x-protobuf',
        appId: 'test-service',
        deliveryMode: 2,
      }),
    );
    expect(Math.abs(message!.properties.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(fromBinary(DocumentFailedSchema, message!.content).documentId).toBe('d-commit');
    await expectNoMessage(env.channel, 'test.events', 600);
    await waitFor('the row to be marked sent', async () => (await relay.pending()) === 0);
    const { rows } = await env.db.query<{ outcome: string; attempts: number }>('SELECT outcome, attempts FROM svc.outbox');
    expect(rows).toEqual([{ outcome: 'published', attempts: 1 }]);
  });

  it('purges sent outbox rows and old inbox entries, never pending ones', async () => {
    await env.db.transaction(async (tx) => {
      await outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-sent'));
      await outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-pending'));
    });
    await env.db.query("UPDATE svc.outbox SET sent_at = now() - interval '2 days', outcome = 'published' WHERE seq = (SELECT min(seq) FROM svc.outbox)");
    const relay = newRelay();
    expect(await relay.purgeSent(24 * 3600 * 1000)).toBe(1);
    expect(await relay.pending()).toBe(1);
    const inbox = new Inbox('svc');
    await env.db.transaction(async (tx) => {
      expect(await inbox.claim(tx, 'old-message', 'purge-test')).toBe(true);
      expect(await inbox.claim(tx, 'new-message', 'purge-test')).toBe(true);
    });
    await env.db.query("UPDATE svc.inbox SET received_at = now() - interval '40 days' WHERE message_id = 'old-message'");
    expect(await inbox.purgeOlderThan(env.db, 30 * 24 * 3600 * 1000)).toBe(1);
    expect(await env.db.transaction((tx) => inbox.claim(tx, 'new-message', 'purge-test'))).toBe(false);
  });

  it('claims several messages of several consumers in one statement: the new ones once each, none already applied', async () => {
    const inbox = new Inbox('svc');
    await env.db.transaction((tx) => inbox.claim(tx, 'many-1', 'many-test'));
    const claims = ['many-1', 'many-2', 'many-3', 'many-2'].map((messageId) => ({ messageId, consumer: 'many-test' }));
    expect(await env.db.transaction((tx) => inbox.claimEach(tx, claims))).toEqual([false, true, true, false]);
    expect(await env.db.transaction((tx) => inbox.claimEach(tx, claims.slice(1, 3)))).toEqual([false, false]);
    expect(await env.db.transaction((tx) => inbox.claimEach(tx, [{ messageId: 'many-2', consumer: 'another-consumer' }, { messageId: 'many-4', consumer: 'many-test' }]))).toEqual([true, true]);
    await expect(env.db.transaction((tx) => inbox.claimEach(tx, [{ messageId: '', consumer: 'many-test' }]))).rejects.toThrow(/messageId and the consumer/);
  });

  it('wakes up on NOTIFY at commit instead of waiting for the next poll', async () => {
    const relay = newRelay({ pollMs: 60_000 });
    relay.start();
    await waitFor('the relay to listen', async () => {
      const { rows } = await env.db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'LISTEN edoc_outbox%' AND datname = current_database()");
      return rows.length > 0;
    });
    const started = Date.now();
    await env.db.transaction((tx) => outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-notify')));
    await takeMessages(env.channel, 'test.events', 1, 20_000);
    // Far below the 60 s poll: only the notification can have woken the relay (a loaded machine may be slow).
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("notifies its own schema's relays only, not every service's", async () => {
    const heard: string[] = [];
    const listeners = await Promise.all(
      ['svc', 'another_service'].map((schema) => env.db.listen(outboxNotifyChannel(schema), { onNotification: (payload) => heard.push(`${schema}:${payload ?? ''}`) })),
    );
    try {
      await env.db.transaction((tx) => outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-own-channel')));
      // A marker committed after the event: notifications come in commit order, so one for the
      // other service about the event would have come before its marker.
      await env.db.query('SELECT pg_notify($1, $2)', [outboxNotifyChannel('another_service'), 'marker']);
      await waitFor('both notifications', async () => heard.length >= 2);
      expect(heard.sort()).toEqual(['another_service:marker', 'svc:']);
    } finally {
      await Promise.all(listeners.map((listener) => listener.close()));
    }
  });

  it('is woken by its own process\'s commits without NOTIFY, and writers notify again once it stopped', async () => {
    const local = new Outbox('svc');
    const heard: string[] = [];
    const listener = await env.db.listen(outboxNotifyChannel('svc'), { onNotification: (payload) => heard.push(payload ?? '') });
    try {
      const relay = newRelay({ pollMs: 60_000, outbox: local });
      relay.start();
      await env.db.transaction((tx) => local.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-local-wake')));
      // Far below the 60 s poll, and nothing notified: only the commit itself can have woken the relay.
      await takeMessages(env.channel, 'test.events', 1, 20_000);
      await env.db.query('SELECT pg_notify($1, $2)', [outboxNotifyChannel('svc'), 'marker']);
      await waitFor('the marker', async () => heard.includes('marker'));
      expect(heard).toEqual(['marker']);

      await relay.stop();
      await env.db.transaction((tx) => local.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-after-stop')));
      await waitFor('the notification of a writer without its relay', async () => heard.length === 2);
      expect(heard).toEqual(['marker', '']);
    } finally {
      await listener.close();
    }
  });

  it('refuses an outbox of another schema than its own', () => {
    expect(() => newRelay({ outbox: new Outbox('another_service') })).toThrow('OutboxRelay of svc given the outbox of another_service');
  });

  it('dead-letters an unroutable message and one for a missing exchange with the reason, and still publishes the rest', async () => {
    const lost = randomUUID();
    const noExchange = randomUUID();
    await env.db.transaction(async (tx) => {
      await outbox.enqueue(tx, failedMessage('edoc.events', 'nobody.listens', 'd-lost', 'ok', lost));
      await outbox.enqueue(tx, failedMessage('edoc.nowhere', 'document.failed', 'd-noex', 'ok', noExchange));
      await outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-fine'));
    });
    newRelay().start();
    const [fine] = await takeMessages(env.channel, 'test.events', 1);
    expect(fromBinary(DocumentFailedSchema, fine!.content).documentId).toBe('d-fine');
    const dead = await takeMessages(env.channel, 'dlq.unroutable', 2);
    const byId = new Map(dead.map((message) => [message.properties.messageId as string, message]));
    expect(header(byId.get(lost)!, 'x-edoc-reason')).toBe('unroutable: edoc.events/nobody.listens');
    expect(header(byId.get(lost)!, 'x-edoc-exchange')).toBe('edoc.events');
    expect(header(byId.get(lost)!, 'x-edoc-routing-key')).toBe('nobody.listens');
    expect(header(byId.get(noExchange)!, 'x-edoc-reason')).toBe('unroutable: edoc.nowhere/document.failed: exchange edoc.nowhere does not exist');
    expect(byId.get(lost)!.properties.type).toBe('edoc.v1.DocumentFailed');
    // The rows are marked when the batch's transaction commits, just after the last confirm.
    await waitFor('the batch to be recorded', async () => (await env.db.query('SELECT 1 FROM svc.outbox WHERE sent_at IS NULL')).rowCount === 0);
    const { rows } = await env.db.query<{ message_id: string; outcome: string; last_error: string | null }>(
      'SELECT message_id, outcome, last_error FROM svc.outbox ORDER BY seq',
    );
    expect(rows.map((row) => row.outcome)).toEqual(['dead_lettered', 'dead_lettered', 'published']);
    expect(rows[0]!.last_error).toBe('unroutable: edoc.events/nobody.listens');
  });

  it('marks a message failed, not retried forever, when even dead-lettering is impossible', async () => {
    await env.db.transaction((tx) => outbox.enqueue(tx, failedMessage('edoc.events', 'nobody.listens', 'd-stuck')));
    const relay = newRelay({ deadLetterExchange: 'edoc.no-dlx' });
    relay.start();
    await waitFor('the row to be marked failed', async () => {
      const { rows } = await env.db.query('SELECT 1 FROM svc.outbox WHERE failed_at IS NOT NULL');
      return rows.length === 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 600)); // three more polls
    const { rows } = await env.db.query<{ attempts: number; last_error: string; sent_at: Date | null }>('SELECT attempts, last_error, sent_at FROM svc.outbox');
    expect(rows[0]).toEqual({
      attempts: 1,
      sent_at: null,
      last_error: 'unroutable: edoc.events/nobody.listens; dead-lettering impossible too: exchange edoc.no-dlx does not exist (run `npm run provision`)',
    });
    expect(await relay.pending()).toBe(0);
  });

  it('publishes again after dying between the confirm and marking the row, and the inbox applies the effect once', async () => {
    // Kill the relay's database session the first time it tries to mark a row sent: the message is
    // on the broker already, the row still looks unsent.
    await env.db.query('CREATE SEQUENCE svc.crash_once');
    await env.db.query(`
      CREATE FUNCTION svc.crash_before_mark() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('svc.crash_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
        RETURN NEW;
      END $$`);
    await env.db.query('CREATE TRIGGER crash_before_mark BEFORE UPDATE OF sent_at ON svc.outbox FOR EACH ROW EXECUTE FUNCTION svc.crash_before_mark()');

    const inbox = new Inbox('svc');
    const deliveries: string[] = [];
    const consumer = new EdocTransport({
      url: env.vhost.amqpUrl,
      queues: ['test.events'],
      // The relay publishes as its own connection's user: here the test vhost's.
      contract: { 'test.events': { [DocumentFailedSchema.typeName]: ['guest'] } },
      serviceName: 'relay-crash-consumer',
      logger: silentLogger,
    });
    consumer.addHandler(
      DocumentFailedSchema.typeName,
      async (event: DocumentFailed, ctx: EdocMessageContext) => {
        deliveries.push(ctx.messageId);
        await env.db.transaction(async (tx) => {
          if (!(await inbox.claim(tx, ctx.messageId, 'relay-crash-consumer'))) return;
          await tx.query('INSERT INTO svc.effects VALUES ($1)', [event.documentId]);
        });
      },
      true,
    );
    await new Promise<void>((resolve, reject) => consumer.listen((error) => (error ? reject(error) : resolve())));
    try {
      const messageId = await env.db.transaction((tx) => outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', 'd-crash')));
      const relay = newRelay();
      relay.start();
      await waitFor('two deliveries of the same message', () => deliveries.length >= 2);
      await waitFor('the row to be marked sent at last', async () => (await relay.pending()) === 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(deliveries).toEqual([messageId, messageId]);
      const { rows } = await env.db.query('SELECT document_id FROM svc.effects');
      expect(rows).toEqual([{ document_id: 'd-crash' }]);
    } finally {
      await consumer.close();
      await env.db.query('DROP TRIGGER crash_before_mark ON svc.outbox');
    }
  });

  it('lets two relays work side by side without publishing a row twice', async () => {
    const ids = new Set<string>();
    await env.db.transaction(async (tx) => {
      for (let index = 0; index < 200; index++) ids.add(await outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', `d-${index}`)));
    });
    newRelay({ batchSize: 10 }).start();
    newRelay({ batchSize: 10 }).start();
    const messages = await takeMessages(env.channel, 'test.events', 200, 20_000);
    await expectNoMessage(env.channel, 'test.events', 500);
    const received = messages.map((message) => message.properties.messageId as string);
    expect(received).toHaveLength(200);
    expect(new Set(received)).toEqual(ids);
  });

  it('relays one schema from one relay at a time, so two relays keep the rows in order, and says busy to the other', async () => {
    const ids: string[] = [];
    await env.db.transaction(async (tx) => {
      for (let index = 0; index < 60; index++) ids.push(await outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', `o-${index}`)));
    });
    // While another instance holds the schema's relay lock, a batch publishes nothing.
    await env.db.withConnection(async (holder) => {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['edoc.outbox.svc']);
      await expect(newRelay().relayBatch()).resolves.toMatchObject({ busy: true, published: 0 });
      await holder.query('COMMIT');
    });
    await expectNoMessage(env.channel, 'test.events', 300);
    newRelay({ batchSize: 7 }).start();
    newRelay({ batchSize: 7 }).start();
    const messages = await takeMessages(env.channel, 'test.events', 60, 20_000);
    expect(messages.map((message) => message.properties.messageId as string)).toEqual(ids);
  });

  it('loses nothing when the broker closes its connection in the middle of relaying', async () => {
    const relay = newRelay({ batchSize: 5, pollMs: 100 });
    relay.start();
    const ids = new Set<string>();
    let producing = true;
    const producer = (async () => {
      for (let index = 0; producing || index < 50; index++) {
        ids.add(await env.db.transaction((tx) => outbox.enqueue(tx, failedMessage('edoc.events', 'document.failed', `f-${index}`))));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    let reconnected = 0;
    connection.onConnect(() => reconnected++);
    expect(await forceCloseConnections(env.vhost.management, env.vhost.vhost, 'relay-test')).toBe(1);
    await waitFor('the relay connection to come back', () => reconnected >= 1 && connection.isConnected());
    producing = false;
    await producer;
    await waitFor('the outbox to drain', async () => (await relay.pending()) === 0, { timeoutMs: 20_000 });
    const messages = await takeMessages(env.channel, 'test.events', ids.size, 10_000);
    const received = new Set(messages.map((message) => message.properties.messageId as string));
    expect(received).toEqual(ids);
  });
});
