import { randomBytes, randomUUID } from 'node:crypto';
import { AmqpConnection, ConfirmPublisher, type ManagedChannel, PublishNotConfirmedError, publishWithConfirm, UnroutableMessageError, withVhost } from '@edoc/messaging';
import * as amqplib from 'amqplib';
import type { ConfirmChannel } from 'amqplib';
import { declareTopology } from '@edoc/messaging';
import { createTestVhost, forceCloseConnections, waitFor, type TestVhost } from '@edoc/testing';
import { failedMessage, recordingLogger, silentLogger, takeMessages } from './support/fixtures';

describe('AmqpConnection and publishing (real RabbitMQ)', () => {
  let vhost: TestVhost;
  const username = `conn-test-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  let userUrl: string;

  beforeAll(async () => {
    vhost = await createTestVhost();
    await declareTopology(vhost.amqpUrl, {
      exchanges: [{ name: 'edoc.events', type: 'topic' }],
      queues: [{ name: 'test.events', bindings: [{ exchange: 'edoc.events', routingKey: 'document.#' }] }],
      deadLetterExchange: 'edoc.dlx',
    });
    await vhost.management.putUser(username, password);
    await vhost.management.setPermissions(vhost.vhost, username, { configure: '.*', write: '.*', read: '.*' });
    const url = new URL(withVhost(vhost.amqpUrl, vhost.vhost));
    url.username = username;
    url.password = password;
    userUrl = url.toString();
  });

  afterAll(async () => {
    await vhost.management.deleteUser(username);
    await vhost.drop();
  });

  it('reconnects after a forced close and never writes the password to the log', async () => {
    const logger = recordingLogger();
    const connection = await AmqpConnection.connect(userUrl, { name: 'conn-test', logger });
    try {
      let reconnects = 0;
      connection.onConnect(() => reconnects++);
      await forceCloseConnections(vhost.management, vhost.vhost, 'conn-test');
      await waitFor('the reconnect', () => reconnects === 1 && connection.isConnected());
      expect(logger.lines.some((line) => line.includes('lost'))).toBe(true);
      expect(logger.lines.join('\n')).not.toContain(password);
      expect(logger.lines.join('\n')).toContain(`${username}:***@`);
    } finally {
      await connection.close();
    }
  });

  it('fails to connect with a wrong password, or to a dead port, naming the broker but not the password', async () => {
    const wrong = userUrl.replace(password, 'not-the-password-123');
    await expect(AmqpConnection.connect(wrong, { logger: silentLogger, timeoutMs: 5_000 })).rejects.toThrow(/ACCESS.REFUSED/);
    const error = await AmqpConnection.connect('amqp://edoc:hidden-pw-9@127.0.0.1:1/', { logger: silentLogger, timeoutMs: 800 }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^cannot connect to RabbitMQ at amqp:\/\/edoc:\*\*\*@127\.0\.0\.1:1\/: .*ECONNREFUSED/);
    expect((error as Error).message).not.toContain('hidden-pw-9');
  });

  it('publisher: a missing exchange fails that publish only; the channel comes back for the next one', async () => {
    const connection = await AmqpConnection.connect(vhost.amqpUrl, { name: 'publisher-test', logger: silentLogger });
    const publisher = new ConfirmPublisher(connection, { timeoutMs: 3_000 });
    try {
      const content = Buffer.from('x');
      await expect(publisher.publish({ exchange: 'edoc.missing', routingKey: 'k', content, properties: { messageId: randomUUID() } })).rejects.toThrow(
        PublishNotConfirmedError,
      );
      await expect(publisher.publish({ exchange: 'edoc.missing', routingKey: 'k', content, properties: { messageId: randomUUID() } })).rejects.toThrow(
        /NOT_FOUND - no exchange 'edoc.missing'/,
      );
      expect(await publisher.publish({ exchange: 'edoc.events', routingKey: 'document.x', content, properties: { messageId: randomUUID() } })).toEqual({
        routed: true,
      });
      expect(await publisher.publish({ exchange: 'edoc.events', routingKey: 'nobody', content, properties: { messageId: randomUUID() } })).toEqual({
        routed: false,
        reason: 'unroutable: edoc.events/nobody',
      });
    } finally {
      await publisher.close();
      await connection.close();
    }
  });

  it('publisher: a channel that closed unnoticed is replaced, so publishing does not fail forever', async () => {
    const connection = await AmqpConnection.connect(vhost.amqpUrl, { name: 'stale-channel-test', logger: silentLogger });
    const publisher = new ConfirmPublisher(connection, { timeoutMs: 3_000 });
    try {
      const message = () => ({ exchange: 'edoc.events', routingKey: 'document.x', content: Buffer.from('x'), properties: { messageId: randomUUID() } });
      expect(await publisher.publish(message())).toEqual({ routed: true });
      // What happens when the broker's open-ok and a connection close arrive in one socket read:
      // the channel closes before anyone listens for its close event.
      const managed = (publisher as unknown as { channel: ManagedChannel<ConfirmChannel> }).channel;
      const stale = managed.current!;
      stale.removeAllListeners('close');
      await stale.close();
      await expect(publisher.publish(message())).rejects.toThrow(/Channel closed/);
      expect(await waitFor('a fresh channel', async () => (await publisher.publish(message()).catch(() => undefined))?.routed)).toBe(true);
      expect(managed.current).not.toBe(stale);
    } finally {
      await publisher.close();
      await connection.close();
    }
  });

  it('publishWithConfirm sends one message or reports it unroutable', async () => {
    const observer = await amqplib.connect(vhost.amqpUrl);
    const channel = await observer.createChannel();
    await channel.purgeQueue('test.events');
    const messageId = await publishWithConfirm(vhost.amqpUrl, failedMessage('edoc.events', 'document.failed', 'd-1'), { appId: 'cli', logger: silentLogger });
    try {
      const [message] = await takeMessages(channel, 'test.events', 1);
      expect(message!.properties.messageId).toBe(messageId);
      expect(message!.properties.appId).toBe('cli');
    } finally {
      await observer.close();
    }
    await expect(publishWithConfirm(vhost.amqpUrl, failedMessage('edoc.events', 'nobody.home', 'd-2'), { logger: silentLogger })).rejects.toThrow(
      UnroutableMessageError,
    );
  });
});
