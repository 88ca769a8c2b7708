import * as amqp from 'amqplib';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { BusinessType, create, DeliverySchema, fromBinary, StatusCode, StatusReportSchema, timestampFromDate, toBinary } from '@edoc/contracts';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';

const OFFICE = '000.01.13.H26';
const BACH_DANG = '000.31.13.H26';
const BACH_KHOA = '000.32.13.H26';

interface DeliveryView {
  deliveryId: string;
  recipientCode: string;
  status: string | null;
  recallPending: boolean;
  receiptOverdue: boolean;
  receiptConfirmedSameDay: boolean | null;
  history: { status: string; reason: string }[];
}
interface DocumentView {
  documentId: string;
  state: string;
  edxmlDocumentId: string | null;
  issuedAt: string | null;
  deliveries: DeliveryView[];
}
interface InboxItem {
  deliveryId: string;
  documentId: string;
  status: string | null;
  subject: string;
  recallPending: boolean;
  file: { sha256: string } | null;
}

describe('document lifecycle: statuses, recall, replies, receipts and urgency', () => {
  let exchange: TestExchange;
  let db: Client;
  let pdf: Buffer;

  beforeAll(async () => {
    exchange = await TestExchange.start({ env: { EDOC_FLASH_RECEIPT_MINUTES: '0', EDOC_RECEIPT_SCAN_SECONDS: '1' } });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
    pdf = await makePdf('Van ban thu nghiem');
  });

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
  });

  const document = (id: string) => http<DocumentView>(exchange.url('intake', `/documents/${id}`), { token: exchange.token('hbt.clerk') });
  const inboxOf = (clerk: string) => http<{ items: InboxItem[] }>(exchange.url('intake', '/inbox'), { token: exchange.token(clerk) });
  const report = (clerk: string, deliveryId: string, status: string, reason = '') =>
    http<{ message: string }>(exchange.url('intake', `/inbox/${deliveryId}/status`), { token: exchange.token(clerk), json: { status, reason } });

  async function send(metadata: Record<string, unknown>, clerk = 'hbt.clerk'): Promise<DocumentView> {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token(clerk),
      form: submissionForm({ type: 'CV', signer: clerk.replace('.clerk', '.signer'), ...metadata }, pdf),
    });
    if (answer.status !== 202) throw new Error(`submission refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return waitFor('the document to be issued with its deliveries', async () => {
      const view = await http<DocumentView>(exchange.url('intake', `/documents/${answer.body.documentId}`), { token: exchange.token(clerk) });
      return view.body.state === 'issued' && view.body.deliveries.length === (metadata.recipients as string[]).length ? view.body : undefined;
    }, { timeoutMs: 30_000 });
  }

  async function arrived(clerk: string, documentId: string): Promise<InboxItem> {
    return waitFor(`the arrival at ${clerk}`, async () => (await inboxOf(clerk)).body.items.find((i) => i.documentId === documentId));
  }

  // A status crosses routing's outbox and intake's queue, and an overdue receipt waits for routing's scan: 30 s, as for issuing, on a loaded machine.
  async function statusAtSender(documentId: string, recipient: string, expected: (d: DeliveryView) => boolean): Promise<DeliveryView> {
    return waitFor(`the sender to see ${recipient}`, async () => {
      const d = (await document(documentId)).body.deliveries.find((x) => x.recipientCode === recipient);
      return d !== undefined && expected(d) ? d : undefined;
    }, { timeoutMs: 30_000 });
  }

  it('follows a recipient through 01 → 03 → 04 → 06 with history, and refuses invalid transitions', async () => {
    const doc = await send({ subject: 'Về việc báo cáo công tác tháng', recipients: [BACH_DANG] });
    const item = await arrived('bachdang.clerk', doc.documentId);
    expect(item.status).toBe('01');

    const skip = await report('bachdang.clerk', item.deliveryId, '06');
    expect(skip.status).toBe(409);
    expect(skip.body.message).toBe('status 06 cannot follow 01');
    const noReason = await report('bachdang.clerk', item.deliveryId, '02');
    expect(noReason.status).toBe(409);
    expect(noReason.body.message).toBe('status 02 requires a reason');
    expect((await report('bachdang.clerk', item.deliveryId, '13')).status).toBe(400);
    expect((await report('tp.clerk', item.deliveryId, '03')).status).toBe(404);

    for (const status of ['03', '04', '06']) {
      expect((await report('bachdang.clerk', item.deliveryId, status)).status).toBe(202);
      await statusAtSender(doc.documentId, BACH_DANG, (d) => d.status === status);
    }
    const done = await statusAtSender(doc.documentId, BACH_DANG, (d) => d.status === '06');
    expect(done.history.map((h) => h.status)).toEqual(['01', '03', '04', '06']);
    expect(done.receiptConfirmedSameDay).toBe(true);
    expect((await report('bachdang.clerk', item.deliveryId, '05')).status).toBe(409);

    const recall = await http<{ message: string }>(exchange.url('intake', `/documents/${doc.documentId}/recall`), { token: exchange.token('hbt.clerk'), json: { reason: 'Sai sót' } });
    expect(recall.status).toBe(409);
    expect(recall.body.message).toMatch(/nothing left to recall/);
  });

  it('recalls a document: an agreeing recipient loses its copy, a refusing one keeps it, the sender copy is frozen', async () => {
    const doc = await send({ subject: 'Về việc điều chỉnh lịch họp', recipients: [OFFICE, BACH_DANG] });
    const office = await arrived('vp.clerk', doc.documentId);
    const ward = await arrived('bachdang.clerk', doc.documentId);
    expect((await report('vp.clerk', office.deliveryId, '03')).status).toBe(202);
    await statusAtSender(doc.documentId, OFFICE, (d) => d.status === '03');

    const recall = await http<{ recalling: string[] }>(exchange.url('intake', `/documents/${doc.documentId}/recall`), { token: exchange.token('hbt.clerk'), json: { reason: 'Văn bản ban hành nhầm' } });
    expect(recall.status).toBe(202);
    expect(recall.body.recalling.sort()).toEqual([OFFICE, BACH_DANG]);
    expect((await document(doc.documentId)).body.state).toBe('recalled');
    const again = await http(exchange.url('intake', `/documents/${doc.documentId}/recall`), { token: exchange.token('hbt.clerk'), json: { reason: 'lần hai' } });
    expect(again.status).toBe(409);

    await waitFor('the recall to reach the office inbox', async () => ((await inboxOf('vp.clerk')).body.items.find((i) => i.deliveryId === office.deliveryId)?.recallPending ? true : undefined));
    expect((await report('vp.clerk', office.deliveryId, '04')).status).toBe(409);
    expect((await report('vp.clerk', office.deliveryId, '14')).status).toBe(202);
    await waitFor('the recall to reach the ward inbox', async () => ((await inboxOf('bachdang.clerk')).body.items.find((i) => i.deliveryId === ward.deliveryId)?.recallPending ? true : undefined));
    expect((await report('bachdang.clerk', ward.deliveryId, '16')).status).toBe(409);
    expect((await report('bachdang.clerk', ward.deliveryId, '16', 'Đã triển khai')).status).toBe(202);

    const agreed = await statusAtSender(doc.documentId, OFFICE, (d) => d.status === '14');
    expect(agreed.history.map((h) => h.status)).toEqual(['01', '03', '13', '14']);
    const refused = await statusAtSender(doc.documentId, BACH_DANG, (d) => d.history.some((h) => h.status === '16'));
    // Status and history together, so that a failure shows the whole story of the delivery.
    expect({ status: refused.status, recallPending: refused.recallPending, history: refused.history }).toEqual({
      status: '01',
      recallPending: false,
      history: [expect.objectContaining({ status: '01' }), expect.objectContaining({ status: '13' }), expect.objectContaining({ status: '16', reason: 'Đã triển khai' })],
    });

    const destroyed = await waitFor('the office copy to be destroyed', async () => {
      const item = (await inboxOf('vp.clerk')).body.items.find((i) => i.deliveryId === office.deliveryId);
      return item?.file === null ? item : undefined;
    });
    expect(destroyed.subject).toBe('[Đã thu hồi]');
    const officeDownload = await http(exchange.url('intake', `/files/${ward.file!.sha256}`), { token: exchange.token('vp.clerk') });
    expect(officeDownload.status).toBe(403);
    const { rows } = await db.query(`SELECT number, subject, notes FROM intake.register_entries WHERE org_code = $1 AND book = 'incoming' AND document_id = $2`, [OFFICE, doc.documentId]);
    expect(rows).toEqual([{ number: expect.any(Number), subject: '[Đã thu hồi]', notes: expect.stringMatching(/^Thu hồi theo yêu cầu của Ủy ban nhân dân quận Hai Bà Trưng/) }]);
    const wardDownload = await http(exchange.url('intake', `/files/${ward.file!.sha256}`), { token: exchange.token('bachdang.clerk') });
    expect(wardDownload.status).toBe(200);
    expect((await report('vp.clerk', office.deliveryId, '03')).status).toBe(409);
  });

  it('links a reply to the document it answers, and refuses a reply to a document never received', async () => {
    const doc = await send({ subject: 'Về việc báo cáo số liệu dân số', recipients: [BACH_DANG], dueDate: '2099-01-31' });
    await arrived('bachdang.clerk', doc.documentId);
    const reply = await send({ subject: 'Báo cáo số liệu dân số', type: 'BC', recipients: ['000.00.13.H26'], responseFor: doc.edxmlDocumentId }, 'bachdang.clerk');
    expect(reply.state).toBe('issued');
    const followUp = await http<{ entries: { reply: string | null; numberNotation: string }[] }>(exchange.url('intake', '/registers/follow-up'), { token: exchange.token('bachdang.clerk') });
    expect(followUp.body.entries.find((e) => e.reply !== null)?.reply).toBe('01/BC-UBND');

    const stray = await http<{ message: string[] }>(exchange.url('intake', '/documents'), {
      token: exchange.token('bachdang.clerk'),
      form: submissionForm({ type: 'BC', subject: 'Báo cáo', recipients: ['000.00.13.H26'], signer: 'bachdang.signer', responseFor: '000.00.13.H26,2026/01/05,99/UBND-VP' }, pdf),
    });
    expect(stray.status).toBe(422);
    expect(stray.body.message.join()).toMatch(/responseFor: 000.31.13.H26 never received a document/);
  });

  it('replaces an issued document: the replacement names it and reaches the recipients as business type REPLACE', async () => {
    const original = await send({ subject: 'Về việc lịch tiếp dân', recipients: [BACH_DANG] });
    const replacement = await send({ subject: 'Về việc lịch tiếp dân (thay thế)', recipients: [BACH_DANG], businessType: 'replace', replaces: original.documentId });
    expect(replacement.state).toBe('issued');
    const arrived = await waitFor('the replacement to arrive', async () => {
      const r = await db.query(`SELECT metadata->>'businessType' AS business, metadata->>'replacesDocumentId' AS replaces FROM intake.deliveries WHERE document_id = $1 AND arrived_at IS NOT NULL`, [replacement.documentId]);
      return r.rows[0] as { business: string; replaces: string } | undefined;
    });
    expect(arrived).toEqual({ business: 'BUSINESS_TYPE_REPLACE', replaces: original.documentId });
    const stray = await http<{ message: string[] }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Thay thế văn bản không có', recipients: [BACH_DANG], signer: 'hbt.signer', businessType: 'replace', replaces: '00000000-0000-4000-8000-000000000000' }, pdf),
    });
    expect(stray.status).toBe(422);
    expect(stray.body.message.join()).toMatch(/replaces: 000.00.13.H26 issued no document/);
  });

  it('recalls a document from a ward system: a RECALL notice on its queue, the ward answers 14', async () => {
    const doc = await send({ subject: 'Về việc thu hồi từ phường có hệ thống riêng', recipients: [BACH_KHOA] });
    const ward = exchange.wardCredential(BACH_KHOA);
    const connection = await amqp.connect(exchange.wardAmqpUrl(BACH_KHOA));
    try {
      const channel = await connection.createConfirmChannel();
      const first = await waitFor('the delivery', async () => (await channel.get(ward.queue, { noAck: true })) || undefined);
      const delivery = fromBinary(DeliverySchema, first.content);
      expect(delivery.businessType).toBe(BusinessType.NEW_UNSPECIFIED);
      const recall = await http(exchange.url('intake', `/documents/${doc.documentId}/recall`), { token: exchange.token('hbt.clerk'), json: { reason: 'Ban hành nhầm' } });
      expect(recall.status).toBe(202);
      const notice = await waitFor('the recall notice', async () => (await channel.get(ward.queue, { noAck: true })) || undefined);
      const recalled = fromBinary(DeliverySchema, notice.content);
      expect(recalled).toMatchObject({ deliveryId: delivery.deliveryId, businessType: BusinessType.RECALL });
      const answer = create(StatusReportSchema, { deliveryId: delivery.deliveryId, documentId: doc.documentId, fromCode: BACH_KHOA, status: StatusCode.RECALL_AGREED, reportedAt: timestampFromDate(new Date()) });
      channel.publish('edoc.status', BACH_KHOA, Buffer.from(toBinary(StatusReportSchema, answer)), { persistent: true, messageId: randomUUID(), type: StatusReportSchema.typeName, contentType: 'application/x-protobuf', userId: ward.username });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    const agreed = await statusAtSender(doc.documentId, BACH_KHOA, (d) => d.status === '14');
    expect(agreed.history.map((h) => h.status)).toEqual(['13', '14']);
  });

  it('lists incoming documents whose due date has passed', async () => {
    const doc = await send({ subject: 'Về việc rà soát hộ nghèo', recipients: [BACH_DANG], dueDate: '2099-06-30' });
    const item = await arrived('bachdang.clerk', doc.documentId);
    // Time passes: the due date is now behind us.
    await db.query(`UPDATE intake.deliveries SET metadata = jsonb_set(metadata, '{dueDate}', '"2020-06-30"') WHERE delivery_id = $1`, [item.deliveryId]);
    const overdue = await http<{ items: InboxItem[] }>(exchange.url('intake', '/inbox/overdue'), { token: exchange.token('bachdang.clerk') });
    expect(overdue.body.items.map((i) => i.deliveryId)).toEqual([item.deliveryId]);
  });

  it('raises an alert when a HỎA TỐC delivery gets no 01 in time', async () => {
    const doc = await send({ subject: 'Về việc phòng chống bão', recipients: [BACH_KHOA], urgency: 'hỏa tốc' });
    const alerted = await statusAtSender(doc.documentId, BACH_KHOA, (d) => d.receiptOverdue);
    expect(alerted.status).toBeNull();
  });

  it('dead-letters a ward report for an unknown delivery with the reason, changing nothing', async () => {
    const ward = exchange.wardCredential(BACH_KHOA);
    const connection = await amqp.connect(exchange.wardAmqpUrl(BACH_KHOA));
    const channel = await connection.createConfirmChannel();
    const report = create(StatusReportSchema, { deliveryId: '00000000-0000-4000-8000-000000000000', documentId: 'x', fromCode: BACH_KHOA, status: StatusCode.ACCEPTED, reportedAt: timestampFromDate(new Date()) });
    channel.publish('edoc.status', BACH_KHOA, Buffer.from(toBinary(StatusReportSchema, report)), { persistent: true, messageId: 'unknown-delivery-report', type: StatusReportSchema.typeName, contentType: 'application/x-protobuf', userId: ward.username });
    await channel.waitForConfirms();
    await connection.close();

    const admin = await amqp.connect(exchange.amqpUrl);
    try {
      const adminChannel = await admin.createChannel();
      const dead = await waitFor('the dead letter', async () => (await adminChannel.get('dlq.routing.status', { noAck: true })) || undefined);
      expect(dead.properties.messageId).toBe('unknown-delivery-report');
      expect(String(dead.properties.headers?.['x-edoc-reason'])).toMatch(/unknown delivery 00000000-0000-4000-8000-000000000000/);
    } finally {
      await admin.close();
    }
  });

  it('lets a HỎA TỐC document overtake a backlog of normal ones', async () => {
    await exchange.stopEveryInstance('signing');
    const submit = (subject: string, urgency: string) =>
      http<{ documentId: string }>(exchange.url('intake', '/documents'), {
        token: exchange.token('hbt.clerk'),
        form: submissionForm({ type: 'CV', subject, recipients: [BACH_DANG], signer: 'hbt.signer', urgency }, pdf),
      });
    const normal: string[] = [];
    for (let i = 0; i < 40; i++) normal.push((await submit(`Văn bản thường ${i}`, 'normal')).body.documentId);
    const flash = (await submit('Văn bản hỏa tốc', 'hỏa tốc')).body.documentId;
    await exchange.startEveryInstance('signing');
    const issuedAt = async (id: string) => {
      const { rows } = await db.query(`SELECT issued_at FROM intake.documents WHERE document_id = $1 AND state = 'issued'`, [id]);
      return rows[0]?.issued_at as Date | undefined;
    };
    const issuedNormalTimes = async () => {
      const { rows } = await db.query(`SELECT issued_at FROM intake.documents WHERE document_id = ANY($1::uuid[]) AND state = 'issued'`, [normal]);
      return rows.map((row: { issued_at: Date }) => row.issued_at.getTime());
    };
    // Signing works on several documents at once, so they are issued in no strict order: wait for all of them.
    await waitFor('the backlog to be issued', async () => ((await issuedNormalTimes()).length === normal.length && (await issuedAt(flash)) ? true : undefined), { timeoutMs: 60_000 });
    const flashTime = (await issuedAt(flash))!.getTime();
    const normalTimes = await issuedNormalTimes();
    expect(normalTimes).toHaveLength(normal.length);
    const overtaken = normalTimes.filter((t) => t > flashTime).length;
    // It was submitted last, behind 40 documents; on its own queue it is signed among the first.
    expect(overtaken).toBeGreaterThanOrEqual(20);
  });
});
