import { BadRequestException } from '@nestjs/common';
import { countPeriods, Granularity, GRANULARITIES } from './periods';
import { isCalendarDay, lastDayOfMonth } from './vietnam-time';

/** Longest series one request may ask for: a day-by-day series of almost three years. */
export const MAX_PERIODS = 1000;

export interface DateRange {
  from: string;
  to: string;
}

/**
 * A date range from the query string: both ends yyyy-mm-dd, in order, and not after today in
 * Vietnam (there are no figures for the future). Defaults: 1 January of this year to today.
 */
export function parseRange(query: { from?: string; to?: string }, today: string): DateRange {
  const from = query.from ?? `${today.slice(0, 4)}-01-01`;
  const to = query.to ?? today;
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (typeof value !== 'string' || !isCalendarDay(value)) throw new BadRequestException(`${name}: "${String(value)}" is not a date (yyyy-mm-dd)`);
  }
  if (from > to) throw new BadRequestException(`the range is reversed: from ${from} is after to ${to}`);
  if (from > today) throw new BadRequestException(`from ${from} is in the future (today is ${today} in Vietnam): there are no figures yet`);
  if (to > today) throw new BadRequestException(`to ${to} is in the future (today is ${today} in Vietnam): end the range today at the latest`);
  return { from, to };
}

export function parseGranularity(text: string | undefined, fallback: Granularity = 'month'): Granularity {
  if (text === undefined) return fallback;
  if (!(GRANULARITIES as readonly string[]).includes(text)) throw new BadRequestException(`granularity: "${text}" is not day, month or year`);
  return text as Granularity;
}

/** Refuses a series too long to draw or to send; a coarser granularity answers the same question. */
export function assertSeriesLength(range: DateRange, granularity: Granularity): void {
  const count = countPeriods(range.from, range.to, granularity);
  if (count > MAX_PERIODS) {
    throw new BadRequestException(`${range.from} to ${range.to} has ${count} periods of a ${granularity}; at most ${MAX_PERIODS} are served: choose a coarser granularity or a shorter range`);
  }
}

/** The organisation of a query, which must be in the directory. */
export function parseOrg(text: string | undefined, known: (code: string) => boolean, required: boolean): string | undefined {
  if (text === undefined || text === '') {
    if (required) throw new BadRequestException('org: the organisation code is required');
    return undefined;
  }
  if (!known(text)) throw new BadRequestException(`org: unknown organisation "${text}"`);
  return text;
}

/** A month (yyyy-mm) for the monthly report, clipped to today when it is the current month. */
export function parseMonth(text: string | undefined, today: string): DateRange & { month: string; complete: boolean } {
  const month = text ?? today.slice(0, 7);
  if (typeof month !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new BadRequestException(`month: "${String(month)}" is not a month (yyyy-mm)`);
  if (month > today.slice(0, 7)) throw new BadRequestException(`month ${month} is in the future (today is ${today} in Vietnam)`);
  const last = lastDayOfMonth(month);
  return { month, from: `${month}-01`, to: last < today ? last : today, complete: last < today };
}
