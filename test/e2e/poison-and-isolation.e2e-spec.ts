import { randomBytes, randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { create, DeliverySchema, DeliveryStatusChangedSchema, DocumentSubmittedSchema, StatusCode, StatusReportSchema, timestampFromDate, toBinary } from '@edoc/contracts';
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
  }, 120_000);

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
    const view = await http<{ deliveries: { status: string }[] }>(exchange.url('intake', `/documents/${doc.documentId}`), { token: exchange.token('hbt.clerk') });
    expect(view.body.deliveries[0].status).toBe('01');
  });

  it('dead-letters a message over the size limit', async () => {
    await publish('intake', 'edoc.events', 'document.submitted', randomBytes(1024 * 1024 + 10), { messageId: 'too-big-1', type: DocumentSubmittedSchema.typeName });
    expect((await deadLetter('too-big-1')).reason).toMatch(/limit|large|bytes/i);
  });

  it('dead-letters a delivery whose claim check points at a missing object; replayed once the object is back, it arrives', async () => {
    const bytes = await makePdf('Van ban bi mat tep');
    const sha256 = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    const deliveryId = randomUUID();
    const delivery = create(DeliverySchema, {
      deliveryId, documentId: randomUUID(), senderCode: '000.00.13.H26', recipientCode: BACH_DANG,
      metadata: { documentId: randomUUID(), issuerCode: '000.00.13.H26', typeCode: 'CV', subject: 'Văn bản có tệp bị mất', number: 9, notation: 'UBND-VP', issuedDate: '2026-11-26', edxmlDocumentId: '000.00.13.H26,2026/11/26,09/UBND-VP' },
      file: { objectKey: `sha256/${sha256}`, sha256, size: BigInt(bytes.length), mediaType: 'application/pdf', fileName: 'lost.pdf' },
      downloadPath: '/files', createdAt: timestampFromDate(new Date()),
    });
    await publish('routing', 'edoc.inbox', BACH_DANG, Buffer.from(toBinary(DeliverySchema, delivery)), { messageId: 'missing-object-1', type: DeliverySchema.typeName });
    const letter = await deadLetter('missing-object-1');
    expect(letter.reason).toMatch(/claim check points at a missing object/);

    // The operator restores the object, then replays the message.
    const previous = process.env.EDOC_DATA_DIR;
    process.env.EDOC_DATA_DIR = exchange.dataFolder;
    try {
      await createObjectStore(loadConfig()).put(bytes);
    } finally {
      process.env.EDOC_DATA_DIR = previous;
    }
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
});
