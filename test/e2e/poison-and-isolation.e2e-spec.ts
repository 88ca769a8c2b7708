import { randomBytes, randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { create, DeliverySchema, DeliveryStatusChangedSchema, DocumentSubmittedSchema, fromBinary, ReportRefusedSchema, StatusCode, StatusReportSchema, timestampFromDate, toBinary, type ReportRefused } from '@edoc/contracts';
import { loadConfig } from '@edoc/config';
import { createObjectStore } from '@edoc/storage';
import { waitFor } from '@edoc/testing';
import { brokerAnswer } from '../support/broker-attempt';
import { ServiceName, TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';

const BACH_DANG = '000.31.13.H26';
const BACH_KHOA = '000.32.13.H26';
const BACH_MAI = '000.33.13.H26';

interface DeadLetterJson {
  id: string;
  type?: string;
  reason: string;
  queue?: string;
  attempts?: number;
}

describe('poison messages end in dead-letter queues with their reason; ward systems are fenced in', () => {
  let exchange: TestExchange;
  let operator: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  let pdf: Buffer;

  beforeAll(async () => {
    exchange = await TestExchange.start();
    // Consumers take a type only from its owner: the operator's user publishes in the owner's name.
    operator = await amqp.connect(exchange.ownAmqpUrl('operator'));
    channel = await operator.createConfirmChannel();
    pdf = await makePdf('Van ban sau cac thu doc');
  });

  afterAll(async () => {
    await operator?.close().catch(() => undefined);
    await exchange?.stop();
  });

  async function publish(as: ServiceName, exchangeName: string, routingKey: string, body: Buffer, properties: amqp.Options.Publish): Promise<void> {
    channel.publish(exchangeName, routingKey, body, { persistent: true, contentType: 'application/x-protobuf', userId: exchange.brokerUserOf(as), ...properties });
    await channel.waitForConfirms();
  }

  async function dlq(args: string[] = []): Promise<DeadLetterJson[]> {
    const { stdout } = await exchange.cli(['dlq', 'list', '--json', ...args], { EDOC_RABBITMQ_MANAGEMENT_URL: loadConfig().rabbitManagementUrl });
    return JSON.parse(stdout) as DeadLetterJson[];
  }

  /** The ReportRefused notices waiting on a ward's queue, read as the ward and left there. */
  async function refusalsOnQueue(code: string): Promise<ReportRefused[]> {
    const connection = await amqp.connect(exchange.wardAmqpUrl(code));
    try {
      const reader = await connection.createChannel();
      const found: ReportRefused[] = [];
      for (let message = await reader.get(`inbox.${code}`); message !== false; message = await reader.get(`inbox.${code}`)) {
        if (message.properties.type === ReportRefusedSchema.typeName) {
          expect(message.properties.userId).toBe(exchange.brokerUserOf('routing'));
          found.push(fromBinary(ReportRefusedSchema, message.content));
        }
      }
      return found;
    } finally {
      await connection.close();
    }
  }

  /** A delivery to Bạch Đằng whose file was never stored: intake dead-letters it until the object is put back. */
  async function publishDeliveryOfMissingObject(messageId: string, text: string, number: number): Promise<{ deliveryId: string; restoreObject: () => Promise<void> }> {
    const bytes = await makePdf(text);
    const sha256 = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    const deliveryId = randomUUID();
    const delivery = create(DeliverySchema, {
      deliveryId, documentId: randomUUID(), senderCode: '000.00.13.H26', recipientCode: BACH_DANG,
      metadata: { documentId: randomUUID(), issuerCode: '000.00.13.H26', typeCode: 'CV', subject: text, number, notation: 'UBND-VP', issuedDate: '2026-11-26', edxmlDocumentId: `000.00.13.H26,2026/11/26,${number}/UBND-VP` },
      file: { objectKey: `sha256/${sha256}`, sha256, size: BigInt(bytes.length), mediaType: 'application/pdf', fileName: 'lost.pdf' },
      downloadPath: '/files', createdAt: timestampFromDate(new Date()),
    });
    await publish('routing', 'edoc.inbox', BACH_DANG, Buffer.from(toBinary(DeliverySchema, delivery)), { messageId, type: DeliverySchema.typeName });
    const restoreObject = async () => {
      const previous = process.env.EDOC_DATA_DIR;
      process.env.EDOC_DATA_DIR = exchange.dataFolder;
      try {
        await createObjectStore(loadConfig()).put(bytes);
      } finally {
        process.env.EDOC_DATA_DIR = previous;
      }
    };
    return { deliveryId, restoreObject };
  }

  async function deadLetter(messageId: string): Promise<DeadLetterJson> {
    return waitFor(`dead letter ${messageId}`, async () => (await dlq()).find((l) => l.id.endsWith(`/${messageId}`)), { timeoutMs: 30_000, intervalMs: 500 });
  }

  it('dead-letters a malformed protobuf at once, naming the problem', async () => {
    await publish('intake', 'edoc.events', 'document.submitted', Buffer.from([0xff, 0xff, 0xff, 0x07]), { messageId: 'malformed-1', type: DocumentSubmittedSchema.typeName });
    // Signing consumes it, and so does the archive, which records every event.
    const letters = await waitFor('both dead letters', async () => {
      const found = (await dlq()).filter((l) => l.id.endsWith('/malformed-1'));
      return found.length === 2 ? found : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(letters.map((l) => [l.queue, l.attempts]).sort()).toEqual([['archival.events', 1], ['signing.events', 1]]);
    for (const letter of letters) expect(letter.reason).toMatch(/edoc\.v1\.DocumentSubmitted/);
  });

  it('dead-letters a message of an unknown type at once', async () => {
    await publish('intake', 'edoc.events', 'document.submitted', Buffer.from('hello'), { messageId: 'unknown-type-1', type: 'edoc.v9.Nonsense' });
    const letter = await deadLetter('unknown-type-1');
    expect(letter.reason).toMatch(/edoc\.v9\.Nonsense/);
  });

  it('retries a message whose handler always fails, then dead-letters it with the error after the configured attempts', async () => {
    const changed = create(DeliveryStatusChangedSchema, { deliveryId: 'not-a-uuid', documentId: 'also-not-a-uuid', senderCode: BACH_DANG, recipientCode: BACH_KHOA, status: StatusCode.ARRIVED, sequence: 1n, occurredAt: timestampFromDate(new Date()) });
    await publish('routing', 'edoc.events', 'delivery.status_changed', Buffer.from(toBinary(DeliveryStatusChangedSchema, changed)), { messageId: 'always-fails-1', type: DeliveryStatusChangedSchema.typeName });
    const letters = await waitFor('both consumers to give up', async () => {
      const found = (await dlq()).filter((l) => l.id.endsWith('/always-fails-1'));
      return found.length === 2 ? found : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000 });
    const intake = letters.find((l) => l.queue === 'intake.events');
    expect(intake?.attempts).toBe(5);
    expect(intake?.reason).toMatch(/invalid input syntax for type uuid/);
  });

  it("dead-letters a ward's status report for another unit's delivery, and a report for an unknown delivery", async () => {
    const doc = await send(BACH_DANG);
    const ward = exchange.wardCredential(BACH_KHOA);
    const connection = await amqp.connect(exchange.wardAmqpUrl(BACH_KHOA));
    try {
      const wardChannel = await connection.createConfirmChannel();
      const report = (deliveryId: string) => Buffer.from(toBinary(StatusReportSchema, create(StatusReportSchema, { deliveryId, documentId: doc.documentId, fromCode: BACH_KHOA, status: StatusCode.ACCEPTED, reportedAt: timestampFromDate(new Date()) })));
      wardChannel.publish('edoc.status', BACH_KHOA, report(doc.deliveryId), { persistent: true, messageId: 'foreign-report-1', type: StatusReportSchema.typeName, userId: ward.username });
      wardChannel.publish('edoc.status', BACH_KHOA, report(randomUUID()), { persistent: true, messageId: 'unknown-delivery-1', type: StatusReportSchema.typeName, userId: ward.username });
      await wardChannel.waitForConfirms();
    } finally {
      await connection.close();
    }
    expect((await deadLetter('foreign-report-1')).reason).toBe(`unit ${BACH_KHOA} does not own delivery ${doc.deliveryId}`);
    expect((await deadLetter('unknown-delivery-1')).reason).toMatch(/for unknown delivery/);
    // The ward is told, on its own queue, with the same reasons (the broker had confirmed both reports).
    const notices = await waitFor('both refusals on the ward queue', async () => {
      const found = await refusalsOnQueue(BACH_KHOA);
      return found.length >= 2 ? found : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(notices.map((n) => [n.reportMessageId, n.fromCode, n.status]).sort()).toEqual([['foreign-report-1', BACH_KHOA, StatusCode.ACCEPTED], ['unknown-delivery-1', BACH_KHOA, StatusCode.ACCEPTED]]);
    expect(notices.find((n) => n.reportMessageId === 'foreign-report-1')?.reason).toBe(`unit ${BACH_KHOA} does not own delivery ${doc.deliveryId}`);
    expect(notices.find((n) => n.reportMessageId === 'unknown-delivery-1')?.reason).toMatch(/for unknown delivery/);
    const view = await http<{ deliveries: { status: string }[] }>(exchange.url('intake', `/documents/${doc.documentId}`), { token: exchange.token('hbt.clerk') });
    expect(view.body.deliveries[0].status).toBe('01');
  });

  it('dead-letters a message over the size limit', async () => {
    await publish('intake', 'edoc.events', 'document.submitted', randomBytes(1024 * 1024 + 10), { messageId: 'too-big-1', type: DocumentSubmittedSchema.typeName });
    expect((await deadLetter('too-big-1')).reason).toMatch(/limit|large|bytes/i);
  });

  it('dead-letters a delivery whose claim check points at a missing object; replayed once the object is back, it arrives', async () => {
    const { deliveryId, restoreObject } = await publishDeliveryOfMissingObject('missing-object-1', 'Van ban bi mat tep', 9);
    const letter = await deadLetter('missing-object-1');
    expect(letter.reason).toMatch(/claim check points at a missing object/);

    // The operator restores the object, then replays the message.
    await restoreObject();
    const { stdout } = await exchange.cli(['dlq', 'replay', letter.id], { EDOC_RABBITMQ_MANAGEMENT_URL: loadConfig().rabbitManagementUrl });
    expect(stdout).toContain(`replayed ${letter.id} to intake.inbox`);
    await waitFor('the replayed delivery in the inbox', async () => {
      const inbox = await http<{ items: { deliveryId: string }[] }>(exchange.url('intake', '/inbox'), { token: exchange.token('bachdang.clerk') });
      return inbox.body.items.find((i) => i.deliveryId === deliveryId);
    });
  });

  it('shows and discards a dead letter', async () => {
    const letter = await deadLetter('unknown-type-1');
    const shown = await exchange.cli(['dlq', 'show', letter.id], { EDOC_RABBITMQ_MANAGEMENT_URL: loadConfig().rabbitManagementUrl });
    expect(shown.stdout).toMatch(/reason\s+.*edoc\.v9\.Nonsense/);
    const discarded = await exchange.cli(['dlq', 'discard', letter.id], { EDOC_RABBITMQ_MANAGEMENT_URL: loadConfig().rabbitManagementUrl });
    expect(discarded.stdout).toContain(`discarded ${letter.id}`);
    expect((await dlq()).some((l) => l.id === letter.id)).toBe(false);
  });

  it('keeps serving: after all of that a document still goes through', async () => {
    const doc = await send(BACH_DANG);
    expect(doc.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('ward isolation on the broker', () => {
    let connection: amqp.ChannelModel;

    beforeAll(async () => {
      connection = await amqp.connect(exchange.wardAmqpUrl(BACH_KHOA));
    });
    afterAll(async () => {
      await connection?.close().catch(() => undefined);
    });

    const attempt = (operation: (ch: amqp.ConfirmChannel) => Promise<unknown>) => brokerAnswer(connection, operation);

    it('may read its own queues', async () => {
      expect(await attempt((ch) => ch.checkQueue(`inbox.${BACH_KHOA}`).then(() => ch.get(`inbox.${BACH_KHOA}`, { noAck: false })))).toBe('allowed');
      expect(await attempt((ch) => ch.get(`inbox.${BACH_KHOA}.urgent`, { noAck: false }))).toBe('allowed');
    });

    it("may not read another ward's queue", async () => {
      expect(await attempt((ch) => ch.get(`inbox.${BACH_MAI}`))).toMatch(/ACCESS_REFUSED/);
    });

    it('may not declare a queue', async () => {
      expect(await attempt((ch) => ch.assertQueue('ward-private-queue'))).toMatch(/ACCESS_REFUSED/);
    });

    it('may not publish anywhere but the status exchange', async () => {
      expect(await attempt(async (ch) => { ch.publish('edoc.events', 'document.issued', Buffer.from('x')); await ch.waitForConfirms(); })).toMatch(/ACCESS_REFUSED/);
      expect(await attempt(async (ch) => { ch.publish('edoc.inbox', BACH_MAI, Buffer.from('x')); await ch.waitForConfirms(); })).toMatch(/ACCESS_REFUSED/);
    });

    it('may not report status under another unit, nor as another user', async () => {
      expect(await attempt(async (ch) => { ch.publish('edoc.status', BACH_MAI, Buffer.from('x')); await ch.waitForConfirms(); })).toMatch(/ACCESS_REFUSED/);
      expect(await attempt(async (ch) => { ch.publish('edoc.status', BACH_KHOA, Buffer.from('x'), { userId: `ward-${BACH_MAI}` }); await ch.waitForConfirms(); })).toMatch(/PRECONDITION_FAILED/);
    });
  });

  async function send(recipient: string): Promise<{ documentId: string; deliveryId: string }> {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc kiểm tra hàng đợi', recipients: [recipient], signer: 'hbt.signer' }, pdf),
    });
    return waitFor('the delivery to arrive', async () => {
      const view = await http<{ deliveries: { deliveryId: string; status: string | null }[] }>(exchange.url('intake', `/documents/${answer.body.documentId}`), { token: exchange.token('hbt.clerk') });
      const d = view.body.deliveries[0];
      return d?.status === '01' ? { documentId: answer.body.documentId, deliveryId: d.deliveryId } : undefined;
    }, { timeoutMs: 30_000 });
  }

  describe("administrators handle dead letters over HTTP, each service replaying its own (the web app's API)", () => {
    interface Listed {
      services: { service: string; queues: string[]; letters: (DeadLetterJson & { publishedBy?: string })[]; problem?: string }[];
    }
    const relay = (path = '') => exchange.url('intake', `/app/api/dead-letters${path}`);
    const pathOf = (id: string) => `/${id.split('/').map(encodeURIComponent).join('/')}`;

    async function listed(): Promise<Listed> {
      const answer = await http<Listed>(relay(), { token: exchange.token('admin') });
      expect(answer.status).toBe(200);
      for (const entry of answer.body.services) expect(entry.problem).toBeUndefined();
      return answer.body;
    }

    async function listedLetter(messageId: string) {
      return waitFor(`${messageId} listed`, async () => {
        for (const entry of (await listed()).services) {
          const letter = entry.letters.find((l) => l.id.endsWith(`/${messageId}`));
          if (letter !== undefined) return { service: entry.service, letter };
        }
        return undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
    }

    it('lists every service with its dead-letter queues, for the district administrator only', async () => {
      const all = await listed();
      expect(all.services.map((s) => s.service).sort()).toEqual(['archival', 'gateway', 'intake', 'metrics', 'routing', 'signing']);
      expect(all.services.find((s) => s.service === 'routing')?.queues).toContain('dlq.routing.status');
      expect((await http(relay(), { token: exchange.token('hbt.clerk') })).status).toBe(403);
      expect((await http(exchange.url('routing', '/dead-letters'), { token: exchange.token('hbt.clerk') })).status).toBe(403);
      expect((await http(exchange.url('routing', '/dead-letters'))).status).toBe(401);
    });

    it("replays a delivery in intake's own queue: refused while the object is missing, delivered once it is back", async () => {
      const { deliveryId, restoreObject } = await publishDeliveryOfMissingObject('desk-missing-object-1', 'Van ban phat lai tu trang quan tri', 10);
      const { service, letter } = await listedLetter('desk-missing-object-1');
      expect(service).toBe('intake');
      expect(letter.publishedBy).toBe(exchange.brokerUserOf('routing'));

      const early = await http<{ message: string }>(relay(`${pathOf(letter.id)}/replay`), { method: 'POST', json: {}, token: exchange.token('admin') });
      expect(early.status).toBe(409);
      expect(early.body.message).toMatch(/failed again: .*missing object/);
      expect((await listedLetter('desk-missing-object-1')).letter.id).toBe(letter.id);

      await restoreObject();
      const replayed = await http<{ replayed: DeadLetterJson }>(relay(`${pathOf(letter.id)}/replay`), { method: 'POST', json: {}, token: exchange.token('admin') });
      expect(replayed.status).toBe(200);
      expect(replayed.body.replayed.id).toBe(letter.id);
      // Processed before the answer: the delivery is in the inbox at once, and the dead letter is gone.
      const inbox = await http<{ items: { deliveryId: string }[] }>(exchange.url('intake', '/inbox'), { token: exchange.token('bachdang.clerk') });
      expect(inbox.body.items.some((i) => i.deliveryId === deliveryId)).toBe(true);
      const after = await listed();
      expect(after.services.flatMap((s) => s.letters).some((l) => l.id === letter.id)).toBe(false);
    });

    it("shows, refuses to replay and discards a ward's report in routing's queue, through intake", async () => {
      const { service, letter } = await listedLetter('unknown-delivery-1');
      expect(service).toBe('routing');
      expect(letter.publishedBy).toBe(exchange.wardCredential(BACH_KHOA).username);
      const shown = await http<{ decoded?: { fromCode?: string }; reason: string }>(relay(pathOf(letter.id)), { token: exchange.token('admin') });
      expect(shown.status).toBe(200);
      expect(shown.body.decoded?.fromCode).toBe(BACH_KHOA);
      expect(shown.body.reason).toMatch(/for unknown delivery/);

      // The cause (no such delivery) remains: routing handles it again and fails again.
      const replay = await http<{ message: string }>(relay(`${pathOf(letter.id)}/replay`), { method: 'POST', json: {}, token: exchange.token('admin') });
      expect(replay.status).toBe(409);
      expect(replay.body.message).toMatch(/unknown delivery/);

      const noReason = await http<{ message: string }>(relay(`${pathOf(letter.id)}/discard`), { method: 'POST', json: {}, token: exchange.token('admin') });
      expect(noReason.status).toBe(400);
      expect(noReason.body.message).toMatch(/reason is required/);
      const discarded = await http<{ discarded: DeadLetterJson }>(relay(`${pathOf(letter.id)}/discard`), { method: 'POST', json: { reason: 'báo cáo cho văn bản không tồn tại' }, token: exchange.token('admin') });
      expect(discarded.status).toBe(200);
      expect((await listed()).services.flatMap((s) => s.letters).some((l) => l.id === letter.id)).toBe(false);
      expect((await http(relay(pathOf(letter.id)), { token: exchange.token('admin') })).status).toBe(404);
    });

    it("refuses ids outside the services' queues, and a service answers only for its own", async () => {
      expect((await http(relay('/dlq.nowhere/x'), { token: exchange.token('admin') })).status).toBe(404);
      expect((await http(relay('/inbox.000.32.13.H26/x'), { token: exchange.token('admin') })).status).toBe(404);
      const foreign = await http<{ message: string }>(exchange.url('routing', '/dead-letters/dlq.intake.inbox/x'), { token: exchange.token('admin') });
      expect(foreign.status).toBe(404);
      expect(foreign.body.message).toMatch(/not a dead-letter queue of routing/);
    });
  });
});
