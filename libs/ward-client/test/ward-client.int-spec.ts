import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqplib from 'amqplib';
import { DeliverySchema, fromBinary, StatusCode, StatusReportSchema, toBinary, type Delivery } from '@edoc/contracts';
import { declareTopology, RabbitManagementClient } from '@edoc/messaging';
import { createTestVhost, forceCloseConnections, TestVhost, waitFor } from '@edoc/testing';
import { WardClient, type ReceivedDocument, type WardEvent } from '@edoc/ward-client';
import { makeDelivery, pdfBytes, WARD } from './support/deliveries';
import { startFileServer, TOKEN } from './support/file-server';

describe('WardClient against the real broker', () => {
  let vhost: TestVhost;
  let management: RabbitManagementClient;
  let admin: amqplib.ChannelModel;
  let publisher: amqplib.ConfirmChannel;
  let fileServer: { url: string; server: Server };
  let client: WardClient;
  let dataDir: string;
  const files = new Map<string, Buffer>();
  const username = `ward-test-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  const connectionName = `ward-client-test-${randomBytes(4).toString('hex')}`;
  const stored: ReceivedDocument[] = [];
  const events: WardEvent[] = [];
  const logLines: string[] = [];
  const logger = { log: (m: string) => logLines.push(m), warn: (m: string) => logLines.push(m), error: (m: string) => logLines.push(m) };

  function offer(text: string): Buffer {
    const bytes = pdfBytes(text);
    files.set(createHash('sha256').update(bytes).digest('hex'), bytes);
    return bytes;
  }

  async function publish(delivery: Delivery, opts: { urgent?: boolean; messageId?: string; content?: Buffer } = {}): Promise<string> {
    const messageId = opts.messageId ?? randomUUID();
    publisher.publish('edoc.inbox', opts.urgent ? `${WARD}.urgent` : WARD, opts.content ?? Buffer.from(toBinary(DeliverySchema, delivery)), {
      persistent: true, messageId, type: DeliverySchema.typeName, contentType: 'application/x-protobuf',
    });
    await publisher.waitForConfirms();
    return messageId;
  }

  async function statusReports(count: number): Promise<amqplib.GetMessage[]> {
    const got: amqplib.GetMessage[] = [];
    await waitFor(`${count} status report(s)`, async () => {
      const message = await publisher.get('status.capture', { noAck: true });
      if (message !== false) got.push(message);
      return got.length >= count;
    }, { timeoutMs: 15_000 });
    return got;
  }

  beforeAll(async () => {
    vhost = await createTestVhost({ prefix: 'edoc-ward-client' });
    management = vhost.management;
    await declareTopology(vhost.amqpUrl, {
      deadLetterExchange: 'edoc.dlx',
      deliveryLimit: 2,
      exchanges: [{ name: 'edoc.inbox', type: 'direct' }, { name: 'edoc.status', type: 'topic' }],
      queues: [
        { name: `inbox.${WARD}`, bindings: [{ exchange: 'edoc.inbox', routingKey: WARD }] },
        { name: `inbox.${WARD}.urgent`, bindings: [{ exchange: 'edoc.inbox', routingKey: `${WARD}.urgent` }] },
        { name: 'status.capture', bindings: [{ exchange: 'edoc.status', routingKey: '#' }] },
      ],
    });
    // What provisioning gives a ward: read its two queues, write only its own code to edoc.status.
    await management.putUser(username, password, []);
    await management.setPermissions(vhost.vhost, username, { configure: '^$', write: '^edoc\\.status$', read: `^inbox\\.${WARD.replace(/\./g, '\\.')}(\\.urgent)?$` });
    await management.setTopicPermissions(vhost.vhost, username, { exchange: 'edoc.status', write: `^${WARD.replace(/\./g, '\\.')}$`, read: '^$' });
    admin = await amqplib.connect(vhost.amqpUrl);
    publisher = await admin.createConfirmChannel();
    fileServer = await startFileServer(files);
    dataDir = mkdtempSync(join(tmpdir(), 'ward-client-int-'));
  });

  afterAll(async () => {
    await client?.close();
    await admin?.close().catch(() => undefined);
    await new Promise((resolve) => fileServer?.server.close(resolve));
    await management?.deleteUser(username).catch(() => undefined);
    await vhost?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function wardUrl(): string {
    const url = new URL(vhost.amqpUrl);
    url.username = encodeURIComponent(username);
    url.password = encodeURIComponent(password);
    return url.toString();
  }

  it('takes urgent deliveries first, stores each once, reports 01 as its own broker user, and acks', async () => {
    const normal = [1, 2, 3].map((n) => makeDelivery(offer(`Công văn thường ${n}`)));
    const urgent = [1, 2].map((n) => makeDelivery(offer(`Công văn hỏa tốc ${n}`)));
    for (const delivery of normal) await publish(delivery);
    for (const delivery of urgent) await publish(delivery, { urgent: true });

    client = await WardClient.connect({
      code: WARD,
      amqpUrl: wardUrl(),
      files: { baseUrl: fileServer.url, token: TOKEN },
      journal: join(dataDir, 'journal.jsonl'),
      connectionName,
      retry: { attempts: 2, firstDelayMs: 50, maxDelayMs: 100 },
      onEvent: (event) => events.push(event),
      logger,
    });
    await client.start(async (document) => {
      stored.push(document);
    });

    await waitFor('five deliveries stored', () => stored.length >= 5, { timeoutMs: 15_000 });
    expect(stored.slice(0, 2).map((d) => d.delivery.deliveryId).sort()).toEqual(urgent.map((d) => d.deliveryId).sort());
    expect(stored.slice(0, 2).every((d) => d.urgent)).toBe(true);
    expect(stored.slice(2).map((d) => d.delivery.deliveryId)).toEqual(normal.map((d) => d.deliveryId));
    for (const document of stored) expect(createHash('sha256').update(document.file).digest('hex')).toBe(document.delivery.file!.sha256);

    const reports = await statusReports(5);
    for (const message of reports) {
      expect(message.fields.routingKey).toBe(WARD);
      expect(message.properties).toMatchObject({ userId: username, type: StatusReportSchema.typeName, contentType: 'application/x-protobuf', deliveryMode: 2 });
      expect(message.properties.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(fromBinary(StatusReportSchema, message.content)).toMatchObject({ fromCode: WARD, status: StatusCode.ARRIVED });
    }
    expect(reports.map((m) => fromBinary(StatusReportSchema, m.content).deliveryId).sort()).toEqual(stored.map((d) => d.delivery.deliveryId).sort());

    await waitFor('both queues drained and acked', async () => {
      const queues = await Promise.all([`inbox.${WARD}`, `inbox.${WARD}.urgent`].map((q) => management.getQueue(vhost.vhost, q)));
      return queues.every((q) => q.messages === 0);
    }, { timeoutMs: 15_000, intervalMs: 500 });
  });

  it('drops a re-published copy of a delivery it already took in, repeating its 01 under the same message id', async () => {
    const delivery = makeDelivery(offer('Thông báo lịch họp'));
    const messageId = await publish(delivery);
    await waitFor('the delivery stored', () => stored.some((d) => d.delivery.deliveryId === delivery.deliveryId));
    const [first] = await statusReports(1);

    await publish(delivery, { messageId });
    await waitFor('the duplicate event', () => events.some((e) => e.kind === 'duplicate' && e.messageId === messageId));
    expect(stored.filter((d) => d.delivery.deliveryId === delivery.deliveryId)).toHaveLength(1);
    // edoc drops the repeat (same id) unless a restore lost the first one.
    const [again] = await statusReports(1);
    expect(again!.properties.messageId).toBe(first!.properties.messageId);
    expect(fromBinary(StatusReportSchema, again!.content)).toMatchObject({ deliveryId: delivery.deliveryId, status: StatusCode.ARRIVED });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await publisher.get('status.capture', { noAck: true })).toBe(false);
  });

  it('dead-letters a message it can never process, with the reason in the event', async () => {
    const messageId = await publish(makeDelivery(offer('x')), { content: Buffer.from('not protobuf at all') });
    const rejected = await waitFor('the rejection', () => events.find((e) => e.kind === 'rejected' && e.messageId === messageId));
    expect(rejected).toMatchObject({ reason: expect.stringContaining('is not a protobuf edoc.v1.Delivery') });
    const dead = await waitFor('the dead letter', async () => (await publisher.get(`dlq.inbox.${WARD}`, { noAck: true })) || undefined);
    expect(dead.properties.messageId).toBe(messageId);
  });

  it('never stores a file whose bytes do not match the claim check; the broker dead-letters it past the delivery limit', async () => {
    const genuine = pdfBytes('Quyết định bị sửa');
    const delivery = makeDelivery(genuine);
    files.set(delivery.file!.sha256, Buffer.from(genuine.toString().replace('sửa', 'xóa')));
    const messageId = await publish(delivery);

    const dead = await waitFor('the tampered delivery in the dead-letter queue', async () => (await publisher.get(`dlq.inbox.${WARD}`, { noAck: true })) || undefined, { timeoutMs: 20_000 });
    expect(dead.properties.messageId).toBe(messageId);
    expect(stored.some((d) => d.delivery.deliveryId === delivery.deliveryId)).toBe(false);
    const retries = events.filter((e) => e.kind === 'retrying' && e.messageId === messageId);
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]).toMatchObject({ reason: expect.stringContaining('the claim check says') });
    expect(retries.some((e) => e.kind === 'retrying' && e.requeued)).toBe(true);
  });

  it('reports later statuses as itself', async () => {
    const document = stored[0];
    const messageId = await client.reportStatus(document.delivery.deliveryId, document.delivery.documentId, '03', undefined, { handler: 'Văn thư phường' });
    const [report] = await statusReports(1);
    expect(report.properties).toMatchObject({ messageId, userId: username });
    expect(fromBinary(StatusReportSchema, report.content)).toMatchObject({ status: StatusCode.ACCEPTED, handler: 'Văn thư phường', deliveryId: document.delivery.deliveryId });
    await expect(client.reportStatus(document.delivery.deliveryId, document.delivery.documentId, '02')).rejects.toThrow('status 02 needs a reason');
  });

  it('comes back after the broker drops its connection and goes on consuming', async () => {
    expect(await forceCloseConnections(management, vhost.vhost, connectionName)).toBe(1);
    await waitFor('the client to notice', () => !client.isConnected(), { timeoutMs: 5_000, intervalMs: 10 }).catch(() => undefined);
    const delivery = makeDelivery(offer('Sau khi kết nối lại'));
    await publish(delivery, { urgent: true });
    await waitFor('the delivery after the reconnect', () => stored.some((d) => d.delivery.deliveryId === delivery.deliveryId), { timeoutMs: 20_000 });
    await statusReports(1);
    expect(logLines.some((line) => line.includes('lost') && line.includes('reconnecting'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(password);
  });

  it('refuses to start when its journal is in use by another client', async () => {
    await expect(
      WardClient.connect({ code: WARD, amqpUrl: wardUrl(), files: { baseUrl: fileServer.url, token: TOKEN }, journal: join(dataDir, 'journal.jsonl'), logger }),
    ).rejects.toThrow(`is in use by process ${process.pid}`);
  });

  it('names the problem, without the password, when the broker refuses its login', async () => {
    const url = new URL(wardUrl());
    url.password = 'wrong-password-123';
    const failure = WardClient.connect({ code: WARD, amqpUrl: url.toString(), files: { baseUrl: fileServer.url, token: TOKEN }, journal: join(dataDir, 'other.jsonl'), logger, connectTimeoutMs: 3_000 });
    await expect(failure).rejects.toThrow(/cannot connect to RabbitMQ at amqp:\/\/ward-test-[0-9a-f]+:\*\*\*@.*ACCESS.REFUSED/);
    await expect(failure).rejects.not.toThrow('wrong-password-123');
  });

  it('consumes the normal queue when the urgent one cannot be consumed, and says so', async () => {
    const other = `${WARD}-solo`;
    await declareTopology(vhost.amqpUrl, {
      deadLetterExchange: 'edoc.dlx',
      exchanges: [{ name: 'edoc.inbox', type: 'direct' }, { name: 'edoc.status', type: 'topic' }],
      queues: [{ name: `inbox.${other}`, bindings: [{ exchange: 'edoc.inbox', routingKey: other }] }],
    });
    const soloLog: string[] = [];
    const solo = await WardClient.connect({
      code: other,
      amqpUrl: wardUrl(),
      files: { baseUrl: fileServer.url, token: TOKEN },
      journal: join(dataDir, 'solo.jsonl'),
      consumeTimeoutMs: 2_000,
      logger: { log: (m) => soloLog.push(m), warn: (m) => soloLog.push(m), error: (m) => soloLog.push(m) },
    });
    try {
      // The same broker user now also stands for a second unit, whose urgent queue does not exist.
      await management.setPermissions(vhost.vhost, username, { configure: '^$', write: '^edoc\\.status$', read: `^inbox\\.${WARD.replace(/\./g, '\\.')}(-solo)?(\\.urgent)?$` });
      await management.setTopicPermissions(vhost.vhost, username, { exchange: 'edoc.status', write: `^${WARD.replace(/\./g, '\\.')}(-solo)?$`, read: '^$' });
      const got: string[] = [];
      await solo.start(async (document) => {
        got.push(document.delivery.deliveryId);
      });
      expect(soloLog.join('\n')).toMatch(new RegExp(`cannot consume inbox\\.${other.replace(/\./g, '\\.')}\\.urgent: .*NOT_FOUND`));
      const delivery = makeDelivery(offer('Chỉ một hàng đợi'), { recipientCode: other });
      publisher.publish('edoc.inbox', other, Buffer.from(toBinary(DeliverySchema, delivery)), { persistent: true, messageId: randomUUID(), type: DeliverySchema.typeName });
      await publisher.waitForConfirms();
      await waitFor('the delivery on the normal queue', () => got.includes(delivery.deliveryId));
    } finally {
      await solo.close();
    }
  });
});
