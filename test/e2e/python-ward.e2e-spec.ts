import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { create, StatusCode, StatusReportSchema, timestampFromDate, toBinary } from '@edoc/contracts';
import { demoPassword } from '@edoc/identity';
import { ChildWatch } from '../support/child-watch';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { TestExchange } from '../support/test-exchange';

const ROOT = resolve(__dirname, '..', '..');
const MINH_KHAI = '000.40.13.H26';

interface DocumentView {
  file: { sha256: string } | null;
  deliveries: { recipientCode: string; status: string | null; history: { status: string }[] }[];
}

/**
 * The example ward of docs/examples/ward (Python, pika, code generated from proto/ by protoc), run
 * as an outside implementer would: it receives a document on its own queue, checks and stores it,
 * and reports 01, 03 and 06, which the sender sees.
 */
describe('the Python example ward of docs/examples', () => {
  let exchange: TestExchange;
  let ward: ChildWatch;
  let work: string;
  const lines: string[] = [];

  beforeAll(async () => {
    exchange = await TestExchange.start();
    work = mkdtempSync(join(tmpdir(), 'edoc-python-ward-'));
    mkdirSync(join(work, 'gen'));
    execFileSync('protoc', ['-I', join(ROOT, 'proto'), `--python_out=${join(work, 'gen')}`, ...['common', 'document', 'ward'].map((name) => join(ROOT, 'proto', 'edoc', 'v1', `${name}.proto`))], { stdio: 'pipe' });
    // Broker users are global to RabbitMQ: provisioning again puts this exchange's ward passwords back.
    await exchange.cli(['provision']);
    ward = ChildWatch.spawn({
      name: 'the Python example ward',
      // Debian's Python, which has the python3-pika and python3-protobuf that .ci/run installs.
      command: process.env.EDOC_PYTHON ?? '/usr/bin/python3',
      args: ['-u', join(ROOT, 'docs', 'examples', 'ward', 'ward_client.py')],
      env: {
        ...process.env,
        WARD_CODE: MINH_KHAI,
        WARD_AMQP_URL: exchange.wardAmqpUrl(MINH_KHAI),
        EDOC_URL: exchange.url('intake'),
        EDOC_IDENTITY_URL: exchange.url('identity'),
        WARD_USER: 'minhkhai.system',
        WARD_PASSWORD: demoPassword('minhkhai.system'),
        WARD_OUT: join(work, 'received'),
        WARD_GEN: join(work, 'gen'),
        WARD_REPORT: '03 06',
      },
      logFile: join(exchange.dataFolder, 'python-ward.log'),
    });
    ward.onLine((line) => lines.push(line));
    await exchange.waitFor('the Python ward to consume', () => lines.some((line) => line.startsWith(`ward ${MINH_KHAI} consuming`)), { timeoutMs: 30_000, intervalMs: 100, failFast: () => ward.assertAlive() });
  }, 150_000);

  afterAll(async () => {
    await ward?.stop('SIGTERM', { killAfterMs: 5_000 });
    await exchange?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('receives a document, stores the signed file byte for byte, and its 01, 03 and 06 reach the sender', async () => {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc kiểm tra an toàn phòng cháy', recipients: [MINH_KHAI], signer: 'hbt.signer' }, await makePdf('Về việc kiểm tra an toàn phòng cháy'), [await makePdf('Danh sách cơ sở')]),
    });
    expect(answer.status).toBe(202);
    const documentId = answer.body.documentId;
    const view = await exchange.waitFor(
      'the sender to see 06 from Minh Khai',
      async () => {
        const current = await http<DocumentView>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token('hbt.clerk') });
        const delivery = current.body.deliveries?.find((d) => d.recipientCode === MINH_KHAI);
        return delivery?.status === '06' ? current.body : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, failFast: () => ward.assertAlive() },
    );
    const history = view.deliveries.find((d) => d.recipientCode === MINH_KHAI)!.history.map((h) => h.status);
    expect(history).toEqual(expect.arrayContaining(['01', '03', '06']));
    const deliveryLine = lines.find((line) => line.endsWith(' stored'));
    expect(deliveryLine).toBeDefined();
    const deliveryId = deliveryLine!.split(' ')[0]!;
    const stored = readFileSync(join(work, 'received', `${deliveryId}.pdf`));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(view.file?.sha256);
    expect(lines.filter((line) => /^rejected|will retry|refused|closed/.test(line))).toEqual([]);
  });

  it("is told on its own queue when edoc refuses one of its reports, and prints edoc's reason", async () => {
    const unknownDelivery = randomUUID();
    const connection = await amqp.connect(exchange.wardAmqpUrl(MINH_KHAI));
    try {
      const channel = await connection.createConfirmChannel();
      const report = create(StatusReportSchema, { deliveryId: unknownDelivery, documentId: randomUUID(), fromCode: MINH_KHAI, status: StatusCode.ACCEPTED, reportedAt: timestampFromDate(new Date()) });
      channel.publish('edoc.status', MINH_KHAI, Buffer.from(toBinary(StatusReportSchema, report)), {
        persistent: true, messageId: 'python-refused-1', type: StatusReportSchema.typeName, contentType: 'application/x-protobuf', userId: exchange.wardCredential(MINH_KHAI).username,
      });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    const line = await exchange.waitFor('the Python ward to print the refusal', () => lines.find((l) => l.includes('python-refused-1')), { timeoutMs: 30_000, intervalMs: 100, failFast: () => ward.assertAlive() });
    expect(line).toBe(`${unknownDelivery} report python-refused-1 (03) refused by edoc: status 03 for unknown delivery ${unknownDelivery}`);
  });
});
