import { randomBytes } from 'node:crypto';
import * as amqplib from 'amqplib';
import { declareTopology, deleteWardUser, provisionWardUser, withVhost } from '@edoc/messaging';
import { createTestVhost, type TestVhost } from '@edoc/testing';
import { takeMessages } from './support/fixtures';

/** Runs `act` on a fresh channel and returns how the broker answered: 'ok' or its error text. */
async function attempt(connection: amqplib.ChannelModel, act: (channel: amqplib.ConfirmChannel) => Promise<unknown>): Promise<string> {
  const channel = await connection.createConfirmChannel();
  let closedWith: string | undefined;
  channel.on('error', (error: Error) => {
    closedWith = error.message;
  });
  try {
    await act(channel);
    await channel.close();
    return 'ok';
  } catch (error) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return closedWith ?? (error as Error).message;
  }
}

function publishConfirmed(channel: amqplib.ConfirmChannel, exchange: string, key: string, options: amqplib.Options.Publish = {}): Promise<void> {
  return new Promise((resolve, reject) =>
    channel.publish(exchange, key, Buffer.from('status'), { persistent: true, ...options }, (error: unknown) => (error ? reject(error) : resolve())),
  );
}

describe('ward system broker users (real RabbitMQ)', () => {
  let vhost: TestVhost;
  let admin: amqplib.ChannelModel;
  let ward: amqplib.ChannelModel;
  const username = `ward-test-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const code = '000.00.01.H41';
  const other = '000.00.02.H41';

  beforeAll(async () => {
    vhost = await createTestVhost();
    await declareTopology(vhost.amqpUrl, {
      exchanges: [
        { name: 'edoc.inbox', type: 'direct' },
        { name: 'edoc.status', type: 'topic' },
      ],
      queues: [
        { name: `inbox.${code}`, bindings: [{ exchange: 'edoc.inbox', routingKey: code }] },
        { name: `inbox.${other}`, bindings: [{ exchange: 'edoc.inbox', routingKey: other }] },
        { name: 'routing.status', bindings: [{ exchange: 'edoc.status', routingKey: '#' }] },
      ],
      deadLetterExchange: 'edoc.dlx',
    });
    await provisionWardUser(vhost.managementUrl, vhost.vhost, { username, password, code });
    admin = await amqplib.connect(vhost.amqpUrl);
    const url = new URL(withVhost(vhost.amqpUrl, vhost.vhost));
    url.username = username;
    url.password = password;
    ward = await amqplib.connect(url.toString());
    ward.on('error', () => undefined);
  });

  afterAll(async () => {
    await ward?.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    await deleteWardUser(vhost.managementUrl, username);
    await vhost.drop();
  });

  it('may consume its own inbox queue', async () => {
    const adminChannel = await admin.createConfirmChannel();
    await publishConfirmed(adminChannel, 'edoc.inbox', code, { messageId: 'delivery-1' });
    await adminChannel.close();
    const channel = await ward.createChannel();
    const [delivery] = await takeMessages(channel, `inbox.${code}`, 1);
    expect(delivery!.properties.messageId).toBe('delivery-1');
    await channel.close();
  });

  it('may report a status under its own code, with its own user id', async () => {
    expect(await attempt(ward, (channel) => publishConfirmed(channel, 'edoc.status', code, { userId: username, messageId: 'status-1' }))).toBe('ok');
    const adminChannel = await admin.createChannel();
    const [status] = await takeMessages(adminChannel, 'routing.status', 1);
    expect(status!.properties.userId).toBe(username);
    await adminChannel.close();
  });

  it.each([
    ['read another ward’s queue', (channel: amqplib.ConfirmChannel) => channel.consume(`inbox.${other}`, () => undefined), /ACCESS_REFUSED.*inbox\.000\.00\.02\.H41/],
    ['declare a queue of its own', (channel: amqplib.ConfirmChannel) => channel.assertQueue('ward-private'), /ACCESS_REFUSED.*ward-private/],
    ['delete its own queue', (channel: amqplib.ConfirmChannel) => channel.deleteQueue(`inbox.${code}`), /ACCESS_REFUSED/],
    ['publish to the inbox exchange', (channel: amqplib.ConfirmChannel) => publishConfirmed(channel, 'edoc.inbox', other), /ACCESS_REFUSED.*edoc\.inbox/],
    ['publish to the default exchange', (channel: amqplib.ConfirmChannel) => publishConfirmed(channel, '', `inbox.${other}`), /ACCESS_REFUSED/],
    ['report a status under another ward’s code', (channel: amqplib.ConfirmChannel) => publishConfirmed(channel, 'edoc.status', other), /ACCESS_REFUSED - access to topic '000\.00\.02\.H41' in exchange 'edoc\.status'/],
    ['pose as another user', (channel: amqplib.ConfirmChannel) => publishConfirmed(channel, 'edoc.status', code, { userId: 'routing' }), /PRECONDITION_FAILED.*user_id/],
  ])('may not %s', async (_what, act, refusal) => {
    expect(await attempt(ward, act)).toMatch(refusal);
  });

  it('re-provisioning is harmless, and bad input is refused without echoing the password', async () => {
    await expect(provisionWardUser(vhost.managementUrl, vhost.vhost, { username, password, code })).resolves.toBeUndefined();
    const secret = 'short-pw';
    let message = '';
    try {
      await provisionWardUser(vhost.managementUrl, vhost.vhost, { username, password: secret, code });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`the password of broker user ${username} must have at least 12 characters`);
    await expect(provisionWardUser(vhost.managementUrl, vhost.vhost, { username, password, code: '.*' })).rejects.toThrow(/invalid ward code/);
  });
});
