import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as amqp from 'amqplib';
import { Client } from 'pg';
import { create, Medium, PROTOBUF_CONTENT_TYPE, RegisterBook, RegisterEntryRecordedSchema, timestampFromDate, toBinary } from '@edoc/contracts';
import { waitFor } from '@edoc/testing';
import { SERVICE_NAMES, type ServiceName, TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { EXPECTED, UNITS } from '../../services/metrics/test/fixtures/known-mix';
import { feedKnownMix } from '../../services/metrics/test/fixtures/feed-exchange';

const YEAR = new Date(Date.now() + 7 * 3600_000).getUTCFullYear() - 1;
const RANGE = `from=${YEAR}-10-01&to=${YEAR}-12-31`;
const TODAY = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

/** The figures of a unit or of all units; the counts at the top are both books together. */
interface FiguresJson {
  electronic: number;
  paper: number;
  both: number;
  total: number;
  outgoing: { electronic: number; paper: number; both: number; total: number };
  incoming: { electronic: number; paper: number; both: number; total: number };
  electronicShare: number | null;
  receipts: { deliveries: number; confirmedSameDay: number; pending: number; share: number | null };
  onTime: { due: number; onTime: number; late: number; overdue: number; pending: number; share: number | null };
  meetsElectronicTarget: boolean | null;
}
interface UnitJson extends FiguresJson {
  orgCode: string;
  orgName: string;
  trend: { period: string; electronicShare: number | null; total: number }[];
}
interface SummaryJson {
  from: string;
  to: string;
  targets: { electronic: number; onTime: number; sameDayReceipt: number };
  district: UnitJson;
  units: UnitJson[];
}

const run = promisify(execFile);

async function pdfText(bytes: Buffer): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'edoc-e2e-report-'));
  try {
    writeFileSync(join(folder, 'r.pdf'), bytes);
    return (await run('pdftotext', ['-layout', join(folder, 'r.pdf'), '-'])).stdout;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The value of `name{labels}` in an exposition text, whatever the order of the labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([^{ ]+)\{(.*)\} (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const have = match[2].split(/,(?=[a-z_]+=")/);
    if (wanted.every((label) => have.includes(label))) return Number(match[3]);
  }
  return undefined;
}

/** The queue each service mainly consumes, whose consumers its /metrics reports. */
const MAIN_QUEUE: Record<ServiceName, string | undefined> = {
  identity: undefined,
  intake: 'intake.inbox',
  signing: 'signing.events',
  routing: 'routing.status',
  archival: 'archival.events',
  metrics: 'metrics.events',
  gateway: 'gateway.outbound',
};

describe('coverage metrics: exact figures from a known mix, bad input, Prometheus and rebuild', () => {
  let exchange: TestExchange;
  let admin: string;
  let live: SummaryJson;

  beforeAll(async () => {
    exchange = await TestExchange.start();
    admin = exchange.token('admin');
    await feedKnownMix(exchange.feedTarget(), YEAR);
    // One real document today, through intake, signing and routing: its registers, delivery and receipt count too.
    const sent = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'CV', subject: 'Về việc báo cáo số liệu', recipients: [UNITS.bachDang], signer: 'hbt.signer', draftingUnit: 'VP' }, await makePdf('Bao cao so lieu')),
    });
    expect(sent.status).toBe(202);
    live = await waitFor('the known mix and today\'s document in the figures', async () => {
      const summary = (await http<SummaryJson>(exchange.url('metrics', `/coverage?${RANGE}`), { token: admin })).body;
      const today = (await http<SummaryJson>(exchange.url('metrics', `/coverage?from=${TODAY}&to=${TODAY}`), { token: admin })).body;
      const done = summary.district.total === 17 && summary.district.receipts.deliveries === 6 && summary.district.onTime.due === 4;
      return done && today.district.total === 2 && today.district.receipts.confirmedSameDay === 1 ? summary : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250 });
  }, 150_000);

  afterAll(async () => {
    await exchange?.stop();
  });

  it('shows every unit by medium, its electronic share and where it stands, worst first', () => {
    for (const [code, expected] of Object.entries(EXPECTED.units)) {
      const unit = live.units.find((u) => u.orgCode === code)!;
      expect([code, unit.electronic, unit.paper, unit.both, unit.electronicShare, unit.meetsElectronicTarget]).toEqual([
        code, expected.electronic, expected.paper, expected.both, expected.share, false,
      ]);
    }
    const all = live.district;
    expect([all.electronic, all.paper, all.both, all.electronicShare]).toEqual([EXPECTED.all.electronic, EXPECTED.all.paper, EXPECTED.all.both, EXPECTED.all.share]);
    expect(live.units.slice(0, 4).map((u) => u.orgCode)).toEqual(EXPECTED.worstFirst);
    expect(live.targets).toEqual({ electronic: 100, onTime: 95, sameDayReceipt: 100 });
    const untouched = live.units.find((u) => u.orgCode === '000.12.13.H26')!;
    expect(untouched.total).toBe(0);
    expect(untouched.electronicShare).toBeNull();
  });

  it('shows same-day receipts and on-time handling per unit', () => {
    for (const [code, expected] of Object.entries(EXPECTED.receipts)) {
      const figures = code === 'all' ? live.district : live.units.find((u) => u.orgCode === code)!;
      expect([code, figures.receipts.deliveries, figures.receipts.confirmedSameDay, figures.receipts.share]).toEqual([code, expected.deliveries, expected.confirmedSameDay, expected.share]);
    }
    for (const [code, expected] of Object.entries(EXPECTED.onTime)) {
      const figures = code === 'all' ? live.district : live.units.find((u) => u.orgCode === code)!;
      expect({ code, ...figures.onTime }).toEqual({ code, ...expected, pending: 0 });
    }
  });

  it("counts today's real document from the events of intake and routing", async () => {
    const today = (await http<SummaryJson>(exchange.url('metrics', `/coverage?from=${TODAY}&to=${TODAY}`), { token: admin })).body;
    const district = today.units.find((u) => u.orgCode === UNITS.district)!;
    const bachDang = today.units.find((u) => u.orgCode === UNITS.bachDang)!;
    expect(district.outgoing).toEqual({ electronic: 1, paper: 0, both: 0, total: 1 });
    expect(bachDang.incoming).toEqual({ electronic: 1, paper: 0, both: 0, total: 1 });
    expect(bachDang.receipts).toEqual({ deliveries: 1, confirmedSameDay: 1, pending: 0, share: 100 });
    expect(today.district.electronicShare).toBe(100);
  });

  it('gives the month-by-month series and the paper documents of a unit', async () => {
    const series = await http<{ periods: ({ key: string } & FiguresJson)[] }>(exchange.url('metrics', `/coverage/series?${RANGE}&granularity=month`), { token: admin });
    expect(series.status).toBe(200);
    expect(series.body.periods.map((p) => [p.key, p.electronic, p.paper, p.both, p.electronicShare])).toEqual(
      Object.entries(EXPECTED.months).map(([month, e]) => [`${YEAR}-${month}`, e.electronic, e.paper, e.both, e.share]),
    );
    const paper = await http<{ documents: { number: number; subject: string }[] }>(exchange.url('metrics', `/coverage/paper?org=${UNITS.noiVu}&${RANGE}`), { token: admin });
    expect(paper.body.documents.map((d) => d.number)).toEqual(EXPECTED.paperOfNoiVu);
  });

  it('exports CSV and prints the monthly report as PDF with the same figures', async () => {
    const csv = await http(exchange.url('metrics', `/coverage/export.csv?${RANGE}&granularity=month&lang=vi`), { token: admin });
    expect(csv.status).toBe(200);
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFFKỳ,Từ ngày,Đến ngày,Mã định danh,Đơn vị')).toBe(true);
    expect(text).toContain(`${YEAR}-11,${YEAR}-11-01,${YEAR}-11-30,all,Tất cả đơn vị,1,3,0,0,0,1,5,20,100,2,1,50,2,0,1,1,0,95`);

    const pdf = await http(exchange.url('metrics', `/reports/monthly.pdf?month=${YEAR}-11&lang=vi`), { token: admin });
    expect(pdf.status).toBe(200);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const report = await pdfText(pdf.bytes);
    expect(report).toContain(`BÁO CÁO VĂN BẢN ĐIỆN TỬ THÁNG 11/${YEAR}`);
    expect(report).toContain('Tỷ lệ văn bản điện tử: 20% (chỉ tiêu 100%)');
    expect(report).toContain('Văn bản đi và đến: 1 điện tử, 3 giấy, 1 cả hai');
    expect(report).toContain('Phòng Nội vụ');
  });

  it.each([
    ['a reversed range', `/coverage?from=${YEAR}-12-31&to=${YEAR}-10-01`, 'the range is reversed'],
    ['a range in the future', `/coverage?from=${YEAR + 2}-01-01&to=${YEAR + 2}-01-31`, 'is in the future'],
    ['an end in the future', `/coverage/series?from=${YEAR}-01-01&to=${YEAR + 2}-01-31`, 'is in the future'],
    ['a malformed date', '/coverage?from=2025-02-30', 'from: "2025-02-30" is not a date'],
    ['an unknown unit', `/coverage/paper?org=999.99.99.X99&${RANGE}`, 'org: unknown organisation "999.99.99.X99"'],
    ['an unknown unit in a series', `/coverage/series?org=nobody&${RANGE}`, 'org: unknown organisation "nobody"'],
    ['an unknown granularity', `/coverage/series?${RANGE}&granularity=week`, 'granularity: "week" is not day, month or year'],
    ['a series too long', '/coverage/series?from=2019-01-01&granularity=day', 'at most 1000 are served'],
    ['a CSV of a reversed range', `/coverage/export.csv?from=${YEAR}-12-31&to=${YEAR}-10-01`, 'the range is reversed'],
    ['a report of a future month', `/reports/monthly.pdf?month=${YEAR + 2}-01`, 'is in the future'],
  ])('answers %s with 400 and the reason', async (_what, path, reason) => {
    const answer = await http<{ message: string }>(exchange.url('metrics', path), { token: admin });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(reason);
  });

  it('answers a period with no data and a unit with no documents with zeros and null shares, never NaN', async () => {
    const answer = await http<SummaryJson>(exchange.url('metrics', '/coverage?from=2019-01-01&to=2019-12-31'), { token: admin });
    expect(answer.status).toBe(200);
    expect(answer.body.district.total).toBe(0);
    expect(answer.body.district.electronicShare).toBeNull();
    expect(answer.bytes.toString()).not.toMatch(/NaN|Infinity/);
    const series = await http(exchange.url('metrics', '/coverage/series?from=2019-01-01&to=2019-12-31&granularity=month'), { token: admin });
    expect(series.status).toBe(200);
    expect(series.bytes.toString()).not.toMatch(/NaN|Infinity/);
    // Thanh tra quận registered nothing: an empty list and no share, not an error.
    const quiet = await http<{ documents: unknown[] } & FiguresJson>(exchange.url('metrics', `/coverage/paper?org=000.12.13.H26&${RANGE}`), { token: admin });
    expect(quiet.status).toBe(200);
    expect(quiet.body.documents).toEqual([]);
    expect(quiet.body.electronicShare).toBeNull();
  });

  it('keeps the figures to administrators', async () => {
    expect((await http(exchange.url('metrics', `/coverage?${RANGE}`))).status).toBe(401);
    expect((await http(exchange.url('metrics', `/coverage/export.csv?${RANGE}`), { token: exchange.token('hbt.clerk') })).status).toBe(403);
    expect((await http(exchange.url('metrics', `/reports/monthly.pdf?month=${YEAR}-11`), { token: exchange.token('nv.clerk') })).status).toBe(403);
    expect((await http(exchange.url('metrics', `/facts/registers?fromYear=${YEAR}&toYear=${YEAR}`), { method: 'PUT', token: exchange.token('hbt.clerk') })).status).toBe(403);
  });

  it('serves Prometheus metrics on every service: queues, dead letters, process and, on metrics, the coverage gauges', async () => {
    // A register.recorded without medium can never be counted: it is dead-lettered at once.
    const connection = await amqp.connect(exchange.amqpUrl);
    const channel = await connection.createConfirmChannel();
    const poison = create(RegisterEntryRecordedSchema, { entryId: '5d7c0a43-1f0e-4b8a-9e57-7d3f0f6f2a11', orgCode: UNITS.noiVu, book: RegisterBook.OUTGOING, medium: Medium.UNSPECIFIED, recordedAt: timestampFromDate(new Date()) });
    channel.publish('', 'metrics.events', Buffer.from(toBinary(RegisterEntryRecordedSchema, poison)), { persistent: true, messageId: 'poison-1', type: RegisterEntryRecordedSchema.typeName, contentType: PROTOBUF_CONTENT_TYPE });
    await channel.waitForConfirms();
    await connection.close();

    const scrape = { headers: { authorization: `Bearer ${exchange.token('admin')}` } };
    for (const name of SERVICE_NAMES) {
      expect([name, (await fetch(exchange.url(name, '/metrics'))).status]).toEqual([name, 401]);
      expect([name, (await fetch(exchange.url(name, '/metrics'), { headers: { authorization: `Bearer ${exchange.token('hbt.clerk')}` } })).status]).toEqual([name, 403]);
      const answer = await fetch(exchange.url(name, '/metrics'), scrape);
      expect([name, answer.status]).toEqual([name, 200]);
      expect(answer.headers.get('content-type')).toContain('text/plain');
      const text = await answer.text();
      expect(text).toContain(`process_cpu_user_seconds_total{service="${name}"}`);
      const ownQueue = MAIN_QUEUE[name];
      // Identity consumes no queue: it publishes revocations and user changes, and is asked over HTTP.
      if (ownQueue !== undefined) expect(sample(text, 'edoc_queue_consumers', { service: name, queue: ownQueue })).toBeGreaterThanOrEqual(1);
    }
    const metrics = await waitFor('the poison message in the dead letters', async () => {
      const text = await (await fetch(exchange.url('metrics', '/metrics'), scrape)).text();
      return sample(text, 'edoc_dead_letters', { queue: 'metrics.events' }) === 1 ? text : undefined;
    }, { timeoutMs: 15_000, intervalMs: 250 });
    // The metrics service watches every queue, ward systems' inboxes included.
    expect(sample(metrics, 'edoc_queue_messages', { queue: 'inbox.000.32.13.H26' })).toBe(0);
    expect(sample(metrics, 'edoc_coverage_target_ratio', { measure: 'electronic' })).toBe(1);
    expect(sample(metrics, 'edoc_coverage_target_ratio', { measure: 'on_time' })).toBe(0.95);
    expect(sample(metrics, 'edoc_coverage_electronic_ratio', { org: 'all', period: 'month' })).toBe(1);
    expect(sample(metrics, 'edoc_coverage_documents', { org: UNITS.district, period: 'month', book: 'outgoing', medium: 'electronic' })).toBe(1);
    expect(sample(metrics, 'edoc_coverage_same_day_receipt_ratio', { org: UNITS.bachDang, period: 'year' })).toBe(1);
    // A unit with no documents has no ratio at all rather than NaN.
    expect(sample(metrics, 'edoc_coverage_electronic_ratio', { org: '000.12.13.H26', period: 'year' })).toBeUndefined();
    expect(metrics).not.toMatch(/edoc_coverage_\w+\{[^}]*\} NaN/);
  });

  it('refuses a rebuild upload that is not NDJSON or holds a bad line, and changes nothing', async () => {
    const upload = (contentType: string, body: string) =>
      fetch(exchange.url('metrics', `/facts/registers?fromYear=${YEAR}&toYear=${YEAR}`), { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': contentType }, body });
    const asJson = await upload('application/json', '[]');
    expect(asJson.status).toBe(415);
    expect(((await asJson.json()) as { message: string }).message).toBe('send the register entries as application/x-ndjson, not "application/json"');
    const badLine = await upload('application/x-ndjson', '\n{oops');
    expect(badLine.status).toBe(400);
    expect(((await badLine.json()) as { message: string }).message).toBe('line 2: not JSON (one register entry per line is expected)');
    expect((await http<SummaryJson>(exchange.url('metrics', `/coverage?${RANGE}`), { token: admin })).body).toEqual(live);
  });

  it("gives intake's deliveries to an administrator only, for a year", async () => {
    const ledger = await http<{ year: number; deliveries: { recipientCode: string; firstReceiptAt: string | null; completedAt: string | null; dueDate: string | null }[] }>(
      exchange.url('intake', `/deliveries?year=${YEAR}`),
      { token: admin },
    );
    expect(ledger.status).toBe(200);
    expect(ledger.body.deliveries).toHaveLength(6);
    const toBachKhoa = ledger.body.deliveries.filter((d) => d.recipientCode === UNITS.bachKhoa);
    expect(toBachKhoa.map((d) => [d.dueDate, d.firstReceiptAt, d.completedAt])).toEqual([
      [`${YEAR}-11-10`, `${YEAR}-11-03T08:00:00.000Z`, `${YEAR}-11-10T17:00:00.000Z`],
      [`${YEAR}-11-20`, null, null],
    ]);
    const asClerk = await http<{ message: string }>(exchange.url('intake', `/deliveries?year=${YEAR}`), { token: exchange.token('hbt.clerk') });
    expect(asClerk.status).toBe(403);
    const noYear = await http<{ message: string }>(exchange.url('intake', '/deliveries'), { token: admin });
    expect([noYear.status, noYear.body.message]).toEqual([400, 'year is required (a year such as 2026)']);
    const unknown = await http<{ message: string }>(exchange.url('intake', `/deliveries?year=${YEAR}&recipient=000.99.99.H99`), { token: admin });
    expect([unknown.status, unknown.body.message]).toEqual([400, 'recipient: unknown organisation "000.99.99.H99"']);
  });

  it('`edoc metrics rebuild` recomputes the figures from the registers and deliveries and gives the same as the live counters', async () => {
    const db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
    try {
      const today = (await http<SummaryJson>(exchange.url('metrics', `/coverage?from=${TODAY}&to=${TODAY}`), { token: admin })).body;
      // Lose three facts, as a consumer bug or a restored backup would.
      await db.query(`DELETE FROM metrics.register_facts WHERE entry_id IN (SELECT entry_id FROM metrics.register_facts WHERE year = $1 ORDER BY recorded_at LIMIT 3)`, [YEAR]);
      // And two deliveries' facts, and a third one's receipt.
      await db.query(`DELETE FROM metrics.delivery_facts WHERE delivery_id IN (SELECT delivery_id FROM metrics.delivery_facts WHERE due_date IS NOT NULL ORDER BY created_at LIMIT 2)`);
      await db.query(`UPDATE metrics.delivery_facts SET first_receipt_at = NULL WHERE delivery_id = (SELECT delivery_id FROM metrics.delivery_facts WHERE first_receipt_at IS NOT NULL AND created_at < now() - interval '1 day' ORDER BY created_at LIMIT 1)`);
      const damaged = (await http<SummaryJson>(exchange.url('metrics', `/coverage?${RANGE}`), { token: admin })).body;
      expect(damaged.district.total).toBe(14);
      expect([damaged.district.receipts.deliveries, damaged.district.onTime.due]).toEqual([4, 2]);
      expect(damaged.district.receipts.confirmedSameDay).toBeLessThan(live.district.receipts.confirmedSameDay);

      const { stdout } = await exchange.cli(['metrics', 'rebuild', '--as', 'admin', '--url', exchange.url('intake'), '--metrics-url', exchange.url('metrics'), '--from-year', String(YEAR), '--json']);
      const result = JSON.parse(stdout) as { fromYear: number; inserted: number; byBook: { outgoing: number; incoming: number }; deliveries: { inserted: number } };
      // The known mix and today's real document: 17 + 2 register entries, 6 + 1 deliveries.
      expect(result).toMatchObject({ fromYear: YEAR, inserted: 19, byBook: { outgoing: 12, incoming: 7 }, deliveries: { inserted: 7 } });

      const rebuilt = (await http<SummaryJson>(exchange.url('metrics', `/coverage?${RANGE}`), { token: admin })).body;
      expect(rebuilt).toEqual(live);
      expect((await http<SummaryJson>(exchange.url('metrics', `/coverage?from=${TODAY}&to=${TODAY}`), { token: admin })).body).toEqual(today);
    } finally {
      await db.end();
    }
    const table = await exchange.cli(['metrics', 'show', '--as', 'admin', '--metrics-url', exchange.url('metrics'), '--from', `${YEAR}-10-01`, '--to', `${YEAR}-12-31`]);
    expect(table.stdout.split('\n')[2]).toMatch(/^all\s+all units\s+10\s+6\s+1\s+58\.82%\s+50%\s+50%$/);
  });

  it('refuses a rebuild with a clear message when the years are wrong', async () => {
    await expect(exchange.cli(['metrics', 'rebuild', '--as', 'admin', '--url', exchange.url('intake'), '--metrics-url', exchange.url('metrics'), '--from-year', '2030', '--to-year', '2029'])).rejects.toMatchObject({
      stderr: expect.stringContaining('--from-year 2030 is after --to-year 2029'),
    });
  });
});
