import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { Client } from 'pg';
import { DeliverySchema, fromBinary } from '@edoc/contracts';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { WardProcess } from '../support/ward-process';

const BACH_KHOA = '000.32.13.H26'; // runs its own ward system on inbox.<code>

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface DocumentView {
  state: string;
  file: { sha256: string; size: number } | null;
  deliveries: { deliveryId: string; recipientCode: string; channel: string; status: string | null; history: { status: string; reportedBy: string }[] }[];
}

describe("a ward's own system, as a separate process, takes a document in and reports 01 → 03 → 06", () => {
  let exchange: TestExchange;
  let db: Client;
  let ward: WardProcess;
  let outDir: string;
  let documentId: string;
  let issued: DocumentView;

  beforeAll(async () => {
    exchange = await TestExchange.start();
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
    outDir = mkdtempSync(join(tmpdir(), 'edoc-ward-out-'));
    // Broker users are global to RabbitMQ, not per vhost: a test exchange provisioned in parallel
    // gives ward-<code> a password of its own. Provisioning again (idempotent, it reuses this
    // exchange's secrets) puts ours back just before the ward connects.
    await exchange.cli(['provision']);
    ward = await WardProcess.start({
      code: BACH_KHOA,
      amqpUrl: exchange.wardAmqpUrl(BACH_KHOA),
      intakeUrl: exchange.url('intake'),
      user: 'bachkhoa.system',
      outDir,
      flags: ['--complete', '--pause', '300'],
      env: exchange.env,
      logFile: join(exchange.dataFolder, 'ward-bachkhoa.log'),
    });
  });

  afterAll(async () => {
    const exitCode = await ward?.stop();
    await db?.end();
    await exchange?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    expect(exitCode).toBe(0);
  });

  it('lets the district clerk send a document to the ward', async () => {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm(
        { type: 'KH', subject: 'Kế hoạch tổng vệ sinh môi trường', recipients: [BACH_KHOA], signer: 'hbt.signer', draftingUnit: 'VP' },
        await makePdf('Kế hoạch tổng vệ sinh môi trường', 2),
        [await makePdf('Phụ lục: phân công', 1)],
      ),
    });
    expect(answer.status).toBe(202);
    documentId = answer.body.documentId;
    issued = await exchange.waitFor('the document to be issued and routed', async () => {
      const view = await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') });
      return view.body.state === 'issued' && view.body.deliveries.length === 1 ? view.body : undefined;
    }, { timeoutMs: 30_000, failFast: () => ward.assertAlive() });
    expect(issued.deliveries[0]).toMatchObject({ recipientCode: BACH_KHOA, channel: 'queue' });
  });

  it("shows the sender the ward's statuses 01 → 03 → 06 with their history", async () => {
    const { deliveryId } = issued.deliveries[0];
    const line = await ward.waitForLine('the ward to report 01 03 06', (l) => l.includes(deliveryId) && l.includes('reported 01 03 06'));
    expect(line).toContain(`sha256 ${issued.file!.sha256}`);
    expect(line).toContain('  normal  ');

    const view = await exchange.waitFor('the sender to see 06', async () => {
      const answer = await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') });
      return answer.body.deliveries[0]?.status === '06' ? answer.body : undefined;
    }, { timeoutMs: 15_000, failFast: () => ward.assertAlive() });
    expect(view.deliveries[0].history.map((h) => [h.status, h.reportedBy])).toEqual([
      ['01', BACH_KHOA],
      ['03', BACH_KHOA],
      ['06', BACH_KHOA],
    ]);
  });

  it('saved exactly the issued PDF, its attachment and the delivery', () => {
    const { deliveryId } = issued.deliveries[0];
    const pdf = readFileSync(join(outDir, `${deliveryId}.pdf`));
    expect(sha256(pdf)).toBe(issued.file!.sha256);
    expect(pdf.length).toBe(issued.file!.size);
    expect(existsSync(join(outDir, `${deliveryId}.attachment-1.pdf`))).toBe(true);
    const saved = JSON.parse(readFileSync(join(outDir, `${deliveryId}.json`), 'utf8')) as { documentId: string; file: { sha256: string } };
    expect(saved).toMatchObject({ documentId, file: { sha256: issued.file!.sha256 } });
    expect(readdirSync(outDir).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('takes a KHẨN document from the urgent queue', async () => {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc phòng chống bão', recipients: [BACH_KHOA], signer: 'hbt.signer', draftingUnit: 'VP', urgency: 'khẩn' }, await makePdf('Phòng chống bão', 1)),
    });
    expect(answer.status).toBe(202);
    const urgent = await exchange.waitFor('the urgent document to reach 06', async () => {
      const view = await http<DocumentView>(exchange.url('intake', `/documents/${answer.body.documentId}`), { token: exchange.token('hbt.clerk') });
      return view.body.deliveries[0]?.status === '06' ? view.body : undefined;
    }, { timeoutMs: 30_000, failFast: () => ward.assertAlive() });
    const line = await ward.waitForLine('the urgent delivery line', (l) => l.includes(urgent.deliveries[0].deliveryId));
    expect(line).toContain('  urgent  ');
    expect(sha256(readFileSync(join(outDir, `${urgent.deliveries[0].deliveryId}.pdf`)))).toBe(urgent.file!.sha256);
  });

  it('drops the same message published again, and changes nothing at the sender', async () => {
    const { deliveryId } = issued.deliveries[0];
    // The very message routing published: same body, same message id.
    const { rows } = await db.query<{ message_id: string; exchange: string; routing_key: string; message_type: string; body: Buffer }>(
      `SELECT message_id, exchange, routing_key, message_type, body FROM routing.outbox WHERE exchange = 'edoc.inbox' AND routing_key = $1`,
      [BACH_KHOA],
    );
    expect(rows).toHaveLength(1);
    const original = rows[0];
    expect(fromBinary(DeliverySchema, original.body).deliveryId).toBe(deliveryId);

    const connection = await amqp.connect(exchange.amqpUrl);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(original.exchange, original.routing_key, original.body, {
        persistent: true, messageId: original.message_id, type: original.message_type, contentType: 'application/x-protobuf',
      });
      await channel.waitForConfirms();
      await ward.waitForLine('the duplicate to be dropped', (l) => l.includes(deliveryId) && l.includes(`duplicate (message ${original.message_id})`));
      await new Promise((r) => setTimeout(r, 500));
      const deadStatuses = await channel.checkQueue('dlq.routing.status');
      expect(deadStatuses.messageCount).toBe(0);
      await channel.close();
    } finally {
      await connection.close();
    }
    expect(ward.lines.filter((l) => l.includes(deliveryId) && l.includes('reported 01'))).toHaveLength(1);
    const view = await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') });
    expect(view.body.deliveries[0].history.map((h) => h.status)).toEqual(['01', '03', '06']);
  });
});
