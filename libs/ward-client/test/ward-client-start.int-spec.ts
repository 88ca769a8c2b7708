import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqplib from 'amqplib';
import { DeliverySchema, toBinary } from '@edoc/contracts';
import { declareTopology, type Topology } from '@edoc/messaging';
import { createTestVhost, TestVhost, waitFor } from '@edoc/testing';
import { WardClient, WardStartError, type WardClientOptions } from '@edoc/ward-client';
import { makeDelivery, pdfBytes, WARD } from './support/deliveries';
import { startFileServer, TOKEN } from './support/file-server';
import { LateBrokerPort } from './support/late-broker-port';

const WARD_PATTERN = WARD.replace(/\./g, '\\.');
const EXCHANGES: Topology['exchanges'] = [{ name: 'edoc.inbox', type: 'direct' }, { name: 'edoc.status', type: 'topic' }];
const WARD_QUEUES: Topology['queues'] = [
  { name: `inbox.${WARD}`, bindings: [{ exchange: 'edoc.inbox', routingKey: WARD }] },
  { name: `inbox.${WARD}.urgent`, bindings: [{ exchange: 'edoc.inbox', routingKey: `${WARD}.urgent` }] },
];

/** Records the log and says whether a line came that matches, counting from a mark. */
class LogRecorder {
  readonly lines: string[] = [];
  readonly logger = { log: (m: string) => this.lines.push(m), warn: (m: string) => this.lines.push(m), error: (m: string) => this.lines.push(m) };
  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(line)).length;
  }
}

/** Settles a promise into a state the test can look at without awaiting it. */
function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  return { settled: () => settled, promise };
}

describe('WardClient start-up: waits for what can still come, gives up on what cannot', () => {
  let vhost: TestVhost;
  let fileServer: { url: string; server: Server };
  let dataDir: string;
  const files = new Map<string, Buffer>();
  const username = `ward-start-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  const adminUser = () => decodeURIComponent(new URL(vhost.amqpUrl).username) || 'guest';
  const fast = { brokerRetry: { firstDelayMs: 100, maxDelayMs: 400 } };

  function wardUrl(opts: { port?: number; password?: string } = {}): string {
    const url = new URL(vhost.amqpUrl);
    url.username = encodeURIComponent(username);
    url.password = encodeURIComponent(opts.password ?? password);
    if (opts.port !== undefined) url.port = String(opts.port);
    return url.toString();
  }

  function options(amqpUrl: string, log: LogRecorder, journal: string, extra: Partial<WardClientOptions> = {}): WardClientOptions {
    return { code: WARD, amqpUrl, files: { baseUrl: fileServer.url, token: TOKEN }, journal: join(dataDir, journal), logger: log.logger, ...fast, ...extra };
  }

  async function grantWardRights(): Promise<void> {
    await vhost.management.setPermissions(vhost.vhost, username, { configure: '^$', write: '^edoc\\.status$', read: `^inbox\\.${WARD_PATTERN}(\\.urgent)?$` });
    await vhost.management.setTopicPermissions(vhost.vhost, username, { exchange: 'edoc.status', write: `^${WARD_PATTERN}$`, read: '^$' });
  }

  beforeAll(async () => {
    vhost = await createTestVhost({ prefix: 'edoc-ward-start' });
    await vhost.management.putUser(username, password, []);
    fileServer = await startFileServer(files);
    dataDir = mkdtempSync(join(tmpdir(), 'ward-client-start-'));
  });

  afterAll(async () => {
    await new Promise((resolve) => fileServer?.server.close(resolve));
    await vhost?.management.deleteUser(username).catch(() => undefined);
    await vhost?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps trying while the broker refuses, its vhost is missing and its queues are not declared, then consumes', async () => {
    // Nothing in place yet: no vhost (so no permissions either), no queues, and no broker on the port.
    await vhost.management.deleteVhost(vhost.vhost);
    const brokerUrl = new URL(vhost.amqpUrl);
    const port = await LateBrokerPort.reserve({ host: brokerUrl.hostname, port: Number(brokerUrl.port || 5672) });
    const log = new LogRecorder();
    let client: WardClient | undefined;
    try {
      const connecting = track(WardClient.connect(options(wardUrl({ port: port.port }), log, 'late.jsonl')));
      await waitFor('retries while nothing listens', () => log.count(/cannot connect to RabbitMQ .*ECONNREFUSED.*retrying in/) >= 2, { timeoutMs: 10_000 });

      await port.open();
      await waitFor('retries while the vhost is missing', () => log.count(/would not open virtual host .*retrying in/) >= 2, { timeoutMs: 10_000 });
      expect(connecting.settled()).toBe(false);

      await vhost.management.putVhost(vhost.vhost);
      await vhost.management.setPermissions(vhost.vhost, adminUser(), { configure: '.*', write: '.*', read: '.*' });
      await grantWardRights();
      client = await connecting.promise;

      const stored: string[] = [];
      const starting = track(client.start(async (document) => void stored.push(document.delivery.deliveryId)));
      await waitFor('retries while the queues are not declared', () => log.count(/queue inbox\.\S+ does not exist in virtual host .*\(yet\).*retrying in/) >= 3, { timeoutMs: 10_000 });
      expect(starting.settled()).toBe(false);

      await declareTopology(vhost.amqpUrl, { deadLetterExchange: 'edoc.dlx', exchanges: EXCHANGES, queues: WARD_QUEUES });
      await starting.promise;
      expect(log.lines).toContain(`consuming inbox.${WARD}.urgent and inbox.${WARD} as ${username}`);

      const bytes = pdfBytes('Gửi khi mọi thứ đã sẵn sàng');
      files.set(createHash('sha256').update(bytes).digest('hex'), bytes);
      const delivery = makeDelivery(bytes);
      const admin = await amqplib.connect(vhost.amqpUrl);
      try {
        const channel = await admin.createConfirmChannel();
        channel.publish('edoc.inbox', WARD, Buffer.from(toBinary(DeliverySchema, delivery)), { persistent: true, messageId: randomUUID(), type: DeliverySchema.typeName, contentType: 'application/x-protobuf' });
        await channel.waitForConfirms();
      } finally {
        await admin.close();
      }
      await waitFor('the delivery stored', () => stored.includes(delivery.deliveryId), { timeoutMs: 15_000 });
      expect(log.lines.join('\n')).not.toContain(password);
    } finally {
      await client?.close();
      await port.close();
    }
  }, 60_000);

  it('ends connect() at once with a WardStartError when the broker refuses the login', async () => {
    const log = new LogRecorder();
    const began = Date.now();
    const failure = await WardClient.connect(options(wardUrl({ password: 'not-the-password-123' }), log, 'refused.jsonl')).catch((error: unknown) => error);
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(WardStartError);
    expect((failure as Error).message).toMatch(new RegExp(`refused the login of broker user "${username}" \\(ACCESS_REFUSED\\): wrong user name or password`));
    expect((failure as Error).message).not.toContain('not-the-password-123');
    expect(log.count(/retrying/)).toBe(0);
  });

  it('ends start() at once with a WardStartError when its user may not read its queues', async () => {
    await declareTopology(vhost.amqpUrl, { deadLetterExchange: 'edoc.dlx', exchanges: EXCHANGES, queues: WARD_QUEUES });
    // Vhost access, but read rights for another unit's queues only.
    await vhost.management.setPermissions(vhost.vhost, username, { configure: '^$', write: '^edoc\\.status$', read: '^inbox\\.000\\.99\\.99\\.H26$' });
    const log = new LogRecorder();
    const client = await WardClient.connect(options(wardUrl(), log, 'unreadable.jsonl'));
    try {
      const began = Date.now();
      const failure = await client.start(async () => undefined).catch((error: unknown) => error);
      expect(Date.now() - began).toBeLessThan(5_000);
      expect(failure).toBeInstanceOf(WardStartError);
      expect((failure as Error).message).toMatch(new RegExp(`broker user "${username}" may not read queue inbox\\.${WARD_PATTERN}(\\.urgent)? .*\\(ACCESS_REFUSED\\)`));
    } finally {
      await client.close();
      await grantWardRights();
    }
  });
});
