import { Database } from '@edoc/db';
import { AmqpConnection, OutboxRelay } from '@edoc/messaging';
import { eventsTopology, messagingEnvironment, type MessagingEnvironment } from './support/environment';
import { recordingLogger, silentLogger } from './support/fixtures';

describe('OutboxRelay.stop (real PostgreSQL and RabbitMQ)', () => {
  let env: MessagingEnvironment;
  let connection: AmqpConnection;

  beforeAll(async () => {
    env = await messagingEnvironment(eventsTopology([{ name: 'test.events', bindings: [{ exchange: 'edoc.events', routingKey: 'document.#' }] }]));
    connection = await AmqpConnection.connect(env.vhost.amqpUrl, { name: 'relay-stop-test', logger: silentLogger });
  });

  afterAll(async () => {
    await connection?.close();
    await env?.cleanup();
  });

  it('gives up on the batch in progress after its grace, instead of holding a service stop until the pool times out (10 s)', async () => {
    // Handlers that outlived the transport's patience hold every connection of the pool: here, the only one.
    const starved = new Database({ url: env.testDb.url, max: 1, logger: { warn: () => undefined } });
    let release!: () => void;
    const held = starved.withConnection(() => new Promise<void>((resolve) => (release = resolve)));
    const logger = recordingLogger();
    const relay = new OutboxRelay({ db: starved, schema: 'svc', connection, pollMs: 60_000, logger });
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first batch is waiting for a connection now

    const began = Date.now();
    await relay.stop(300);
    const stopMs = Date.now() - began;
    release();
    await held;
    await starved.close();

    expect(stopMs).toBeLessThan(3_000);
    expect(logger.lines).toContainEqual(expect.stringContaining('not done after 300 ms'));
  });
});
