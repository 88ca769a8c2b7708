import { BadRequestException } from '@nestjs/common';
import { assertSeriesLength, parseGranularity, parseMonth, parseOrg, parseRange } from '../src/domain/coverage-query';
import { computeFigures, percent, worstFirst, type Figures } from '../src/domain/figures';
import { countPeriods, periodsBetween } from '../src/domain/periods';
import { targetsFromEnv } from '../src/domain/targets';
import { isCalendarDay, vietnamDay } from '../src/domain/vietnam-time';

const TARGETS = { electronic: 100, onTime: 95, sameDayReceipt: 100 };
const TODAY = '2026-03-15';

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as Error).message;
  }
  throw new Error('expected a 400');
}

describe('Vietnam days', () => {
  it('counts an instant for the Vietnam day (UTC+7), also across midnight and new year', () => {
    expect(vietnamDay(new Date('2026-01-31T16:59:59Z'))).toBe('2026-01-31');
    expect(vietnamDay(new Date('2026-01-31T17:00:00Z'))).toBe('2026-02-01');
    expect(vietnamDay(new Date('2025-12-31T17:30:00Z'))).toBe('2026-01-01');
  });

  it('knows real calendar days only', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isCalendarDay('26-01-01')).toBe(false);
  });
});

describe('periods', () => {
  it('lists every month touching the range, clipped to it, empty ones included', () => {
    expect(periodsBetween('2025-11-20', '2026-02-03', 'month')).toEqual([
      { key: '2025-11', from: '2025-11-20', to: '2025-11-30' },
      { key: '2025-12', from: '2025-12-01', to: '2025-12-31' },
      { key: '2026-01', from: '2026-01-01', to: '2026-01-31' },
      { key: '2026-02', from: '2026-02-01', to: '2026-02-03' },
    ]);
  });

  it('lists days and years, and counts them without building them', () => {
    expect(periodsBetween('2024-02-28', '2024-03-01', 'day').map((p) => p.key)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(periodsBetween('2024-06-01', '2026-01-10', 'year')).toEqual([
      { key: '2024', from: '2024-06-01', to: '2024-12-31' },
      { key: '2025', from: '2025-01-01', to: '2025-12-31' },
      { key: '2026', from: '2026-01-01', to: '2026-01-10' },
    ]);
    expect(countPeriods('2024-02-28', '2024-03-01', 'day')).toBe(3);
    expect(countPeriods('2025-11-20', '2026-02-03', 'month')).toBe(4);
    expect(countPeriods('2024-06-01', '2026-01-10', 'year')).toBe(3);
  });
});

describe('query validation', () => {
  it('defaults to 1 January of this year until today', () => {
    expect(parseRange({}, TODAY)).toEqual({ from: '2026-01-01', to: TODAY });
  });

  it('refuses a malformed date, a reversed range and a range in the future with a reason', () => {
    expect(reason(() => parseRange({ from: '2026-02-30' }, TODAY))).toBe('from: "2026-02-30" is not a date (yyyy-mm-dd)');
    expect(reason(() => parseRange({ to: 'yesterday' }, TODAY))).toBe('to: "yesterday" is not a date (yyyy-mm-dd)');
    expect(reason(() => parseRange({ from: '2026-03-10', to: '2026-03-01' }, TODAY))).toBe('the range is reversed: from 2026-03-10 is after to 2026-03-01');
    expect(reason(() => parseRange({ from: '2026-04-01', to: '2026-04-30' }, TODAY))).toContain('from 2026-04-01 is in the future (today is 2026-03-15 in Vietnam)');
    expect(reason(() => parseRange({ from: '2026-03-01', to: '2026-03-31' }, TODAY))).toContain('to 2026-03-31 is in the future');
    expect(reason(() => parseRange({ from: ['2026-01-01', '2026-02-01'] as unknown as string }, TODAY))).toContain('is not a date');
  });

  it('refuses an unknown granularity, a series too long and an unknown or missing unit', () => {
    expect(reason(() => parseGranularity('week'))).toBe('granularity: "week" is not day, month or year');
    expect(parseGranularity(undefined)).toBe('month');
    expect(reason(() => assertSeriesLength({ from: '2020-01-01', to: '2026-01-01' }, 'day'))).toContain('2193 periods of a day; at most 1000');
    expect(() => assertSeriesLength({ from: '2020-01-01', to: '2026-01-01' }, 'month')).not.toThrow();
    const known = (code: string) => code === '000.00.13.H26';
    expect(reason(() => parseOrg('999.99.99.X99', known, false))).toBe('org: unknown organisation "999.99.99.X99"');
    expect(reason(() => parseOrg(undefined, known, true))).toBe('org: the organisation code is required');
    expect(parseOrg(undefined, known, false)).toBeUndefined();
  });

  it('takes a month for the report, up to today when it is the current one, never a future one', () => {
    expect(parseMonth('2026-02', TODAY)).toEqual({ month: '2026-02', from: '2026-02-01', to: '2026-02-28', complete: true });
    expect(parseMonth(undefined, TODAY)).toEqual({ month: '2026-03', from: '2026-03-01', to: TODAY, complete: false });
    expect(reason(() => parseMonth('2026-04', TODAY))).toBe('month 2026-04 is in the future (today is 2026-03-15 in Vietnam)');
    expect(reason(() => parseMonth('2026-13', TODAY))).toBe('month: "2026-13" is not a month (yyyy-mm)');
  });
});

describe('figures', () => {
  it('gives a share in percent with two decimals, and null (not NaN) for nothing', () => {
    expect(percent(2, 3)).toBe(66.67);
    expect(percent(0, 0)).toBeNull();
    expect(percent(5, 5)).toBe(100);
  });

  it('adds both books; "both" counts against the electronic share', () => {
    const figures = computeFigures(
      [
        { book: 'outgoing', electronic: 3, paper: 1, both: 0 },
        { book: 'incoming', electronic: 2, paper: 0, both: 2 },
      ],
      [{ confirmedSameDay: 3, notConfirmed: 1, pending: 2 }],
      [{ onTime: 19, late: 0, overdue: 1, pending: 4 }],
      TARGETS,
    );
    expect(figures.outgoing).toEqual({ electronic: 3, paper: 1, both: 0, total: 4 });
    expect(figures.incoming).toEqual({ electronic: 2, paper: 0, both: 2, total: 4 });
    expect([figures.electronic, figures.paper, figures.both, figures.total]).toEqual([5, 1, 2, 8]);
    expect(figures.electronicShare).toBe(62.5);
    expect(figures.meetsElectronicTarget).toBe(false);
    expect(figures.receipts).toEqual({ deliveries: 4, confirmedSameDay: 3, pending: 2, share: 75 });
    expect(figures.onTime).toEqual({ due: 20, onTime: 19, late: 0, overdue: 1, pending: 4, share: 95 });
  });

  it('answers a unit with no documents with zeros and null shares', () => {
    const figures = computeFigures([], [], [], TARGETS);
    expect(figures.total).toBe(0);
    expect(figures.electronicShare).toBeNull();
    expect(figures.receipts.share).toBeNull();
    expect(figures.onTime.share).toBeNull();
    expect(figures.meetsElectronicTarget).toBeNull();
    expect(JSON.stringify(figures)).not.toMatch(/NaN|Infinity/);
  });

  it('sorts units worst first: lowest share, then most paper, units without documents last', () => {
    const unit = (orgCode: string, electronic: number, paper: number): Figures & { orgCode: string } => ({ orgCode, ...computeFigures([{ book: 'outgoing', electronic, paper, both: 0 }], [], [], TARGETS) });
    const sorted = [unit('a', 0, 0), unit('b', 9, 1), unit('c', 1, 1), unit('d', 2, 2), unit('e', 5, 0)].sort(worstFirst).map((u) => u.orgCode);
    expect(sorted).toEqual(['d', 'c', 'b', 'e', 'a']);
  });
});

describe('targets', () => {
  it('defaults to the district plan and reads the environment', () => {
    expect(targetsFromEnv({})).toEqual({ electronic: 100, onTime: 95, sameDayReceipt: 100 });
    expect(targetsFromEnv({ EDOC_TARGET_ELECTRONIC_PERCENT: '90', EDOC_TARGET_ON_TIME_PERCENT: '97.5' })).toEqual({ electronic: 90, onTime: 97.5, sameDayReceipt: 100 });
  });

  it('refuses a target that is not a percentage', () => {
    expect(() => targetsFromEnv({ EDOC_TARGET_ELECTRONIC_PERCENT: '120' })).toThrow('EDOC_TARGET_ELECTRONIC_PERCENT must be a percentage between 0 and 100, got "120"');
    expect(() => targetsFromEnv({ EDOC_TARGET_ON_TIME_PERCENT: 'most' })).toThrow('EDOC_TARGET_ON_TIME_PERCENT');
  });
});
