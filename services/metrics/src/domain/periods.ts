import { addDays, lastDayOfMonth } from './vietnam-time';

export const GRANULARITIES = ['day', 'month', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** A period of a series: its key ("2026-03-14", "2026-03" or "2026") and the days it spans within the range. */
export interface Period {
  key: string;
  from: string;
  to: string;
}

/** PostgreSQL to_char() patterns giving the same keys as periodKey(). */
export const PERIOD_SQL_FORMAT: Record<Granularity, string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM', year: 'YYYY' };

export function periodKey(day: string, granularity: Granularity): string {
  return granularity === 'day' ? day : granularity === 'month' ? day.slice(0, 7) : day.slice(0, 4);
}

/** Every period that touches [from, to], in order, each clipped to the range: empty periods are periods too. */
export function periodsBetween(from: string, to: string, granularity: Granularity): Period[] {
  const periods: Period[] = [];
  let start = from;
  while (start <= to) {
    const key = periodKey(start, granularity);
    const end = granularity === 'day' ? start : granularity === 'month' ? lastDayOfMonth(key) : `${key}-12-31`;
    periods.push({ key, from: start, to: end < to ? end : to });
    start = addDays(end, 1);
  }
  return periods;
}

/** How many periods periodsBetween() would return, without building them. */
export function countPeriods(from: string, to: string, granularity: Granularity): number {
  const [fromYear, fromMonth] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const [toYear, toMonth] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  if (granularity === 'year') return toYear - fromYear + 1;
  if (granularity === 'month') return (toYear - fromYear) * 12 + (toMonth - fromMonth) + 1;
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}
