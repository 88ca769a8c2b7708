import { Inject, Injectable } from '@nestjs/common';
import { Directory } from '@edoc/directory';
import { assertSeriesLength, DateRange, parseGranularity, parseOrg, parseRange } from '../domain/coverage-query';
import { computeFigures, Figures, Targets, worstFirst } from '../domain/figures';
import { Granularity, Period, periodsBetween } from '../domain/periods';
import { vietnamDay } from '../domain/vietnam-time';
import { DeliveryFactsRepository, OnTimeCountRow, ReceiptCountRow } from '../repositories/delivery-facts.repository';
import { FactsRepository, MediumCountRow, PaperDocument } from '../repositories/facts.repository';

export const METRICS_TARGETS = Symbol('METRICS_TARGETS');
/** Today in Vietnam; a provider so tests can fix the date. */
export const METRICS_CLOCK = Symbol('METRICS_CLOCK');
export type Clock = () => Date;

/** The code under which the sum over all units is reported. */
export const ALL_UNITS = 'all';
export const ALL_UNITS_NAME = 'Tất cả đơn vị';
const PAPER_LIST_LIMIT = 500;
const TREND_MONTHS = 12;

/** One unit (or all units) with its figures, flat: { orgCode, orgName, kind, electronic, paper, ..., electronicShare, ... }. */
export interface UnitFigures extends Figures {
  orgCode: string;
  orgName: string;
  kind: string;
}

export interface TrendPoint {
  period: string;
  electronicShare: number | null;
  total: number;
}

export interface CoverageSummary {
  from: string;
  to: string;
  today: string;
  targets: Targets;
  district: UnitFigures;
  /** Every unit of the directory (and any unknown code that registered something), worst first. */
  units: (UnitFigures & { trend: TrendPoint[] })[];
}

export interface CoverageSeries {
  from: string;
  to: string;
  granularity: Granularity;
  orgCode: string;
  orgName: string;
  targets: Targets;
  periods: (Period & Figures)[];
}

export interface PaperDrillDown extends UnitFigures {
  from: string;
  to: string;
  targets: Targets;
  documents: PaperDocument[];
  /** More paper documents exist than were listed. */
  truncated: boolean;
}

/** One table of figures: per period, per unit, and the sum over all units. */
export interface FigureTable {
  periods: Period[];
  units: { orgCode: string; orgName: string; kind: string }[];
  cell(period: string, orgCode: string): Figures;
}

export interface RangeQuery {
  from?: string;
  to?: string;
}

/** The electronic share and timeliness figures, against the targets, for the API, the page, the CSV and the PDF. */
@Injectable()
export class CoverageService {
  constructor(
    private readonly facts: FactsRepository,
    private readonly deliveries: DeliveryFactsRepository,
    private readonly directory: Directory,
    @Inject(METRICS_TARGETS) readonly targets: Targets,
    @Inject(METRICS_CLOCK) private readonly clock: Clock,
  ) {}

  today(): string {
    return vietnamDay(this.clock());
  }

  async summary(query: RangeQuery): Promise<CoverageSummary> {
    const today = this.today();
    const range = parseRange(query, today);
    const table = await this.table(range, today);
    const trendRange = { from: `${shiftMonth(range.to.slice(0, 7), -(TREND_MONTHS - 1))}-01`, to: range.to };
    const trend = await this.table(trendRange, today, 'month');
    const units = table.units.map((unit) => ({
      ...unit,
      ...table.cell('all', unit.orgCode),
      trend: trend.periods.map((period) => {
        const figures = trend.cell(period.key, unit.orgCode);
        return { period: period.key, electronicShare: figures.electronicShare, total: figures.total };
      }),
    }));
    units.sort(worstFirst);
    return { from: range.from, to: range.to, today, targets: this.targets, district: this.allUnits(table.cell('all', ALL_UNITS)), units };
  }

  async series(query: RangeQuery & { granularity?: string; org?: string }): Promise<CoverageSeries> {
    const today = this.today();
    const range = parseRange(query, today);
    const granularity = parseGranularity(query.granularity);
    assertSeriesLength(range, granularity);
    const org = parseOrg(query.org, (code) => this.directory.has(code), false);
    const table = await this.table(range, today, granularity);
    return {
      from: range.from,
      to: range.to,
      granularity,
      orgCode: org ?? ALL_UNITS,
      orgName: org === undefined ? ALL_UNITS_NAME : (this.directory.get(org)?.name ?? org),
      targets: this.targets,
      periods: table.periods.map((period) => ({ ...period, ...table.cell(period.key, org ?? ALL_UNITS) })),
    };
  }

  async paper(query: RangeQuery & { org?: string }): Promise<PaperDrillDown> {
    const today = this.today();
    const range = parseRange(query, today);
    const org = parseOrg(query.org, (code) => this.directory.has(code), true) as string;
    const [table, documents] = await Promise.all([this.table(range, today), this.facts.paperDocuments(org, range, PAPER_LIST_LIMIT + 1)]);
    return {
      ...this.unit(org, table.cell('all', org)),
      from: range.from,
      to: range.to,
      targets: this.targets,
      documents: documents.slice(0, PAPER_LIST_LIMIT),
      truncated: documents.length > PAPER_LIST_LIMIT,
    };
  }

  /**
   * Figures per period (or for the whole range as period "all") and unit. Every unit of the
   * directory and every period appears, with zeros and null shares where nothing happened.
   */
  async table(range: DateRange, today: string, granularity?: Granularity): Promise<FigureTable> {
    const [media, receipts, onTime] = await Promise.all([
      this.facts.countByMedium(range, granularity),
      this.deliveries.receiptCounts(range, today, granularity),
      this.deliveries.onTimeCounts(range, today, granularity),
    ]);
    const periods = granularity === undefined ? [{ key: 'all', from: range.from, to: range.to }] : periodsBetween(range.from, range.to, granularity);
    const units = this.directory.list().map((org) => ({ orgCode: org.code, orgName: org.name, kind: org.kind as string }));
    const known = new Set(units.map((unit) => unit.orgCode));
    // A code that registered something but left the directory still counts: nothing is hidden.
    for (const code of new Set([...media, ...receipts, ...onTime].map((row) => row.orgCode))) {
      if (!known.has(code)) units.push({ orgCode: code, orgName: code, kind: 'unknown' });
    }
    const index = <T extends { orgCode: string; period: string }>(rows: T[]) => {
      const map = new Map<string, T[]>();
      for (const row of rows) {
        for (const key of [`${row.period}|${row.orgCode}`, `${row.period}|${ALL_UNITS}`]) {
          const list = map.get(key);
          if (list === undefined) map.set(key, [row]);
          else list.push(row);
        }
      }
      return map;
    };
    const byMedia = index<MediumCountRow>(media);
    const byReceipts = index<ReceiptCountRow>(receipts);
    const byOnTime = index<OnTimeCountRow>(onTime);
    const cache = new Map<string, Figures>();
    return {
      periods,
      units,
      cell: (period, orgCode) => {
        const key = `${period}|${orgCode}`;
        let figures = cache.get(key);
        if (figures === undefined) {
          figures = computeFigures(byMedia.get(key) ?? [], byReceipts.get(key) ?? [], byOnTime.get(key) ?? [], this.targets);
          cache.set(key, figures);
        }
        return figures;
      },
    };
  }

  unit(orgCode: string, figures: Figures): UnitFigures {
    const org = this.directory.get(orgCode);
    return { orgCode, orgName: org?.name ?? orgCode, kind: org?.kind ?? 'unknown', ...figures };
  }

  allUnits(figures: Figures): UnitFigures {
    return { orgCode: ALL_UNITS, orgName: ALL_UNITS_NAME, kind: 'all', ...figures };
  }
}

/** yyyy-mm shifted by whole months. */
export function shiftMonth(month: string, months: number): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const date = new Date(Date.UTC(year, monthNumber - 1 + months, 1));
  return date.toISOString().slice(0, 7);
}
