import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '@edoc/config';
import { StatusCode } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { Inbox, InboxTransactions } from '@edoc/messaging';
import { createMigratedTestDatabase, type MigratedTestDatabase } from '@edoc/testing';
import { DEFAULT_TARGETS } from '../src/domain/targets';
import { CsvExportService } from '../src/reports/csv-export.service';
import { DeliveryFactsRepository } from '../src/repositories/delivery-facts.repository';
import { FactsRepository } from '../src/repositories/facts.repository';
import { CoverageService } from '../src/services/coverage.service';
import { DeliveryFactsService } from '../src/services/delivery-facts.service';
import { FactsService } from '../src/services/facts.service';
import { RebuildService } from '../src/services/rebuild.service';
import { deliveries, deliveryEvents, deliveryLedgerEntry, EXPECTED, registerEvent, registrations, UNITS } from './fixtures/known-mix';

const YEAR = 2025;
const RANGE = { from: `${YEAR}-10-01`, to: `${YEAR}-12-31` };
// Fixed "now": 10:00 on 15 March 2026 in Vietnam.
const NOW = new Date('2026-03-15T03:00:00Z');

describe('coverage figures from events, against PostgreSQL', () => {
  let database: MigratedTestDatabase;
  let db: Database;
  let facts: FactsService;
  let deliveryFacts: DeliveryFactsService;
  let coverage: CoverageService;
  let rebuild: RebuildService;
  const entries: { id: string; registration: ReturnType<typeof registrations>[number] }[] = [];
  const ledger: Record<string, unknown>[] = [];

  beforeAll(async () => {
    database = await createMigratedTestDatabase({ schema: 'metrics', migrations: join(__dirname, '..', 'migrations'), prefix: 'edoc_metrics' });
    db = database.db;
    const transactions = new InboxTransactions(db, new Inbox('metrics'));
    const factsRepository = new FactsRepository(db);
    const deliveriesRepository = new DeliveryFactsRepository(db);
    facts = new FactsService(transactions, factsRepository);
    deliveryFacts = new DeliveryFactsService(transactions, deliveriesRepository);
    coverage = new CoverageService(factsRepository, deliveriesRepository, Directory.fromFile(loadConfig().directoryFile), DEFAULT_TARGETS, () => NOW);
    rebuild = new RebuildService(db, factsRepository, deliveriesRepository);

    for (const registration of registrations(YEAR)) {
      const id = randomUUID();
      entries.push({ id, registration });
      await facts.onRegistered(registerEvent(registration, id), `register-${id}`);
    }
    for (const script of deliveries(YEAR)) {
      const ids = { delivery: randomUUID(), document: randomUUID() };
      ledger.push(deliveryLedgerEntry(script, ids.delivery, ids.document));
      const { created, changes } = deliveryEvents(script, ids.delivery, ids.document);
      // X3's events arrive out of order: the completion before the creation and the receipt.
      const ordered = script.id === 'X3' ? [...changes].reverse() : changes;
      if (script.id !== 'X3') await deliveryFacts.onCreated(created, `created-${script.id}`);
      for (const [index, change] of ordered.entries()) await deliveryFacts.onStatusChanged(change, `status-${script.id}-${index}`);
      if (script.id === 'X3') await deliveryFacts.onCreated(created, `created-${script.id}`);
    }
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  it('counts every unit by medium with its electronic share, worst first, over the range', async () => {
    const summary = await coverage.summary(RANGE);
    for (const [code, expected] of Object.entries(EXPECTED.units)) {
      const unit = summary.units.find((u) => u.orgCode === code)!;
      expect([code, unit.electronic, unit.paper, unit.both, unit.electronicShare]).toEqual([
        code, expected.electronic, expected.paper, expected.both, expected.share,
      ]);
      expect(unit.meetsElectronicTarget).toBe(false);
    }
    const all = summary.district;
    expect([all.electronic, all.paper, all.both, all.total]).toEqual([EXPECTED.all.electronic, EXPECTED.all.paper, EXPECTED.all.both, 17]);
    expect(summary.district.electronicShare).toBe(EXPECTED.all.share);
    expect(summary.units.slice(0, 4).map((u) => u.orgCode)).toEqual(EXPECTED.worstFirst);
    expect(summary.units).toHaveLength(33);
    const quiet = summary.units[4];
    expect(quiet.total).toBe(0);
    expect(quiet.electronicShare).toBeNull();
    expect(JSON.stringify(summary)).not.toMatch(/NaN|Infinity/);
  });

  it('splits outgoing from incoming', async () => {
    const district = (await coverage.summary(RANGE)).units.find((u) => u.orgCode === UNITS.district)!;
    expect(district.outgoing).toEqual({ electronic: 5, paper: 1, both: 0, total: 6 });
    expect(district.incoming).toEqual({ electronic: 0, paper: 0, both: 1, total: 1 });
  });

  it('counts receipts confirmed the same Vietnam day and documents handled by their due date', async () => {
    const summary = await coverage.summary(RANGE);
    for (const [code, expected] of Object.entries(EXPECTED.receipts)) {
      const figures = code === 'all' ? summary.district : summary.units.find((u) => u.orgCode === code)!;
      expect([code, figures.receipts.deliveries, figures.receipts.confirmedSameDay, figures.receipts.share]).toEqual([code, expected.deliveries, expected.confirmedSameDay, expected.share]);
    }
    for (const [code, expected] of Object.entries(EXPECTED.onTime)) {
      const figures = code === 'all' ? summary.district : summary.units.find((u) => u.orgCode === code)!;
      expect({ code, ...figures.onTime }).toEqual({ code, ...expected, pending: 0 });
    }
  });

  it('gives a month-by-month series with the trend of each unit', async () => {
    const series = await coverage.series({ ...RANGE, granularity: 'month' });
    expect(series.periods.map((p) => [p.key, p.electronic, p.paper, p.both, p.electronicShare])).toEqual(
      Object.entries(EXPECTED.months).map(([month, e]) => [`${YEAR}-${month}`, e.electronic, e.paper, e.both, e.share]),
    );
    expect(series.periods.map((p) => p.receipts.share)).toEqual([50, 50, 50]);
    expect(series.periods.map((p) => p.onTime.share)).toEqual([100, 0, null]);
    const noiVu = await coverage.series({ ...RANGE, granularity: 'month', org: UNITS.noiVu });
    expect(noiVu.periods.map((p) => p.electronicShare)).toEqual([100, 0, null]);
    const trend = (await coverage.summary(RANGE)).units.find((u) => u.orgCode === UNITS.bachDang)!.trend;
    expect(trend).toHaveLength(12);
    expect(trend.slice(-3)).toEqual([
      { period: `${YEAR}-10`, electronicShare: 50, total: 2 },
      { period: `${YEAR}-11`, electronicShare: null, total: 0 },
      { period: `${YEAR}-12`, electronicShare: 100, total: 2 },
    ]);
  });

  it('answers a period with no data with zeros and null shares, and a day series with every day', async () => {
    const empty = await coverage.summary({ from: '2024-01-01', to: '2024-01-31' });
    expect(empty.district.total).toBe(0);
    expect(empty.district.electronicShare).toBeNull();
    const days = await coverage.series({ from: `${YEAR}-11-29`, to: `${YEAR}-12-02`, granularity: 'day', org: UNITS.bachDang });
    expect(days.periods.map((p) => [p.key, p.total])).toEqual([[`${YEAR}-11-29`, 0], [`${YEAR}-11-30`, 0], [`${YEAR}-12-01`, 1], [`${YEAR}-12-02`, 0]]);
  });

  it('counts a delivery created today and not yet confirmed as pending, not as missed', async () => {
    const script = { id: 'T1', recipient: UNITS.noiVu, createdAt: '2026-03-15T01:00:00Z', dueDate: '2026-03-15', reports: [] };
    const { created } = deliveryEvents(script);
    await deliveryFacts.onCreated(created, 'created-T1');
    const today = (await coverage.summary({ from: '2026-03-15', to: '2026-03-15' })).units.find((u) => u.orgCode === UNITS.noiVu)!;
    expect(today.receipts).toEqual({ deliveries: 0, confirmedSameDay: 0, pending: 1, share: null });
    expect(today.onTime).toEqual({ due: 0, onTime: 0, late: 0, overdue: 0, pending: 1, share: null });
  });

  it('lists the paper documents of a unit, newest first', async () => {
    const drill = await coverage.paper({ ...RANGE, org: UNITS.noiVu });
    expect(drill.documents.map((d) => [d.number, d.medium, d.book])).toEqual(EXPECTED.paperOfNoiVu.map((n) => [n, 'paper', 'outgoing']));
    expect(drill.documents[0].subject).toBe('Văn bản thử số 10');
    expect(drill.electronicShare).toBe(33.33);
    await expect(coverage.paper({ ...RANGE, org: '999.99.99.X99' })).rejects.toThrow('org: unknown organisation "999.99.99.X99"');
  });

  it('exports every unit and all units per month as CSV', async () => {
    const { fileName, text } = await new CsvExportService(coverage).export({ ...RANGE, granularity: 'month', lang: 'en' });
    expect(fileName).toBe(`edoc-coverage_${YEAR}-10-01_${YEAR}-12-31_month.csv`);
    const rows = text.replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => line.split(','));
    expect(rows[0].slice(0, 5)).toEqual(['period', 'from', 'to', 'org_code', 'org_name']);
    expect(rows).toHaveLength(1 + 3 * 34);
    const cell = (period: string, org: string, column: string) => rows.find((r) => r[0] === period && r[3] === org)![rows[0].indexOf(column)];
    expect(cell(`${YEAR}-11`, 'all', 'electronic_share_percent')).toBe('20');
    expect(cell(`${YEAR}-11`, UNITS.noiVu, 'outgoing_paper')).toBe('2');
    expect(cell(`${YEAR}-12`, UNITS.noiVu, 'electronic_share_percent')).toBe('');
    expect(cell(`${YEAR}-10`, UNITS.bachDang, 'on_time_share_percent')).toBe('100');
  });

  it('ignores a redelivered event', async () => {
    const { id, registration } = entries[0];
    await facts.onRegistered(registerEvent(registration, id), `register-${id}`);
    await facts.onRegistered(registerEvent(registration, id), `another-message-${id}`);
    expect((await coverage.summary(RANGE)).district.total).toBe(17);
  });

  describe('rebuild from the registers', () => {
    const entryLines = (list: typeof entries) =>
      list.map(({ id, registration: r }) =>
        JSON.stringify({
          entryId: id, orgCode: r.org, book: r.book, year: YEAR, series: 'normal', number: 1000 + r.n, medium: r.medium, numberNotation: `${1000 + r.n}/X`,
          typeCode: 'CV', subject: `Văn bản thử số ${r.n}`, counterpart: '', signer: '', handler: '', notes: '', recordedAt: r.at,
        }),
      );

    it('refuses a bad upload and changes nothing', async () => {
      const before = await coverage.summary(RANGE);
      const lines = [...entryLines(entries.slice(0, 3)), '{"entryId": 1}'];
      await expect(rebuild.replaceRegisters({ fromYear: String(YEAR), toYear: String(YEAR) }, Readable.from(lines))).rejects.toThrow('line 4: entryId is not a string');
      await expect(rebuild.replaceRegisters({ fromYear: '2026', toYear: '2025' }, Readable.from([]))).rejects.toThrow('the years are reversed: fromYear 2026 is after toYear 2025');
      await expect(rebuild.replaceRegisters({ fromYear: String(YEAR), toYear: String(YEAR) }, Readable.from([...entryLines(entries.slice(0, 1)), ...entryLines(entries.slice(0, 1))]))).rejects.toThrow('appears twice');
      expect(await coverage.summary(RANGE)).toEqual(before);
    });

    it('replaces the facts of the years with the registers and gives the same figures as the live counters', async () => {
      const live = await coverage.summary(RANGE);
      // A fact the registers do not hold (a lost or wrong event) goes; one that came in after the snapshot stays.
      const stray = registerEvent({ n: 99, org: UNITS.bachKhoa, book: 'outgoing', medium: 'paper', at: `${YEAR}-11-15T02:00:00Z` }, randomUUID());
      await facts.onRegistered(stray, 'stray');
      expect((await coverage.summary(RANGE)).district.paper).toBe(7);
      const asOf = NOW;
      const late = registerEvent({ n: 98, org: UNITS.bachKhoa, book: 'outgoing', medium: 'electronic', at: new Date(asOf.getTime() + 1000).toISOString() }, randomUUID());
      late.year = YEAR;
      await facts.onRegistered(late, 'late');

      const result = await rebuild.replaceRegisters({ fromYear: String(YEAR), toYear: String(YEAR), asOf: asOf.toISOString() }, Readable.from(entryLines(entries)), NOW);
      expect(result).toMatchObject({ fromYear: YEAR, toYear: YEAR, removed: 18, inserted: 17, byBook: { outgoing: 11, incoming: 6 } });
      expect(await coverage.summary(RANGE)).toEqual(live);
      const kept = await db.query(`SELECT count(*)::int AS n FROM metrics.register_facts WHERE entry_id = $1`, [late.entryId]);
      expect(kept.rows[0].n).toBe(1);
    });
  });
  describe("rebuild from intake's deliveries", () => {
    const lines = (list: Record<string, unknown>[]) => list.map((entry) => JSON.stringify(entry));
    const receiptsAndOnTime = async () => {
      const summary = await coverage.summary(RANGE);
      return [summary.district, ...summary.units].map((u) => ({ org: 'orgCode' in u ? u.orgCode : 'all', receipts: u.receipts, onTime: u.onTime }));
    };

    it('refuses a bad delivery line and changes nothing', async () => {
      const before = await receiptsAndOnTime();
      const years = { fromYear: String(YEAR), toYear: String(YEAR) };
      await expect(rebuild.replaceDeliveries(years, Readable.from([...lines(ledger.slice(0, 2)), JSON.stringify({ ...ledger[2], firstReceiptAt: 'yesterday' })]))).rejects.toThrow(
        'line 3: firstReceiptAt "yesterday" is not a time',
      );
      await expect(rebuild.replaceDeliveries(years, Readable.from(lines([{ ...ledger[0], dueDate: `${YEAR}-02-30` }])))).rejects.toThrow(`line 1: dueDate "${YEAR}-02-30" is not a yyyy-mm-dd date`);
      await expect(rebuild.replaceDeliveries({ fromYear: String(YEAR + 1), toYear: String(YEAR + 1) }, Readable.from(lines(ledger.slice(0, 1))))).rejects.toThrow(
        `was made in ${YEAR}, outside the years being rebuilt (${YEAR + 1}-${YEAR + 1})`,
      );
      await expect(rebuild.replaceDeliveries(years, Readable.from(lines([ledger[0], ledger[0]])))).rejects.toThrow('appears twice');
      expect(await receiptsAndOnTime()).toEqual(before);
    });

    it('restores lost and wrong delivery facts, drops strays, and keeps what changed by event since it began', async () => {
      const live = await receiptsAndOnTime();
      // Lost: X1 entirely. Wrong: X2 without its receipt and completion. Stray: a delivery intake never made.
      await db.query('DELETE FROM metrics.delivery_facts WHERE delivery_id = $1', [ledger[0].deliveryId]);
      await db.query('UPDATE metrics.delivery_facts SET first_receipt_at = NULL, completed_at = NULL WHERE delivery_id = $1', [ledger[1].deliveryId]);
      const stray = deliveryEvents(deliveries(YEAR)[0]);
      await deliveryFacts.onCreated(stray.created, 'stray-created');
      expect(await receiptsAndOnTime()).not.toEqual(live);
      await db.query(`UPDATE metrics.delivery_facts SET updated_at = now() - interval '1 minute'`);
      const asOf = new Date(Date.now() - 1000);
      // X4 is confirmed by event while the rebuild reads intake: the ledger it uploads does not know yet.
      const x4 = deliveries(YEAR)[3];
      const confirmed = deliveryEvents({ ...x4, reports: [[StatusCode.ACCEPTED, `${YEAR}-11-04T03:00:00Z`]] }, ledger[3].deliveryId as string, ledger[3].documentId as string);
      await deliveryFacts.onStatusChanged(confirmed.changes[0], 'x4-confirmed-late');

      const result = await rebuild.replaceDeliveries({ fromYear: String(YEAR), toYear: String(YEAR), asOf: asOf.toISOString() }, Readable.from(lines(ledger)));
      expect(result).toMatchObject({ fromYear: YEAR, toYear: YEAR, removed: 5, inserted: 6 });
      const rebuilt = await receiptsAndOnTime();
      const bachKhoa = (figures: typeof live) => figures.find((f) => f.org === UNITS.bachKhoa)!;
      // Everything as live, except that X4's confirmation, which came in during the rebuild, is kept.
      expect(bachKhoa(rebuilt).receipts.confirmedSameDay).toBe(bachKhoa(live).receipts.confirmedSameDay + 1);
      const withoutBachKhoa = (figures: typeof live) => figures.filter((f) => f.org !== UNITS.bachKhoa && f.org !== 'all');
      expect(withoutBachKhoa(rebuilt)).toEqual(withoutBachKhoa(live));
      const strayLeft = await db.query('SELECT count(*)::int AS n FROM metrics.delivery_facts WHERE delivery_id = $1', [stray.created.delivery!.deliveryId]);
      expect(strayLeft.rows[0].n).toBe(0);
    });
  });
});
