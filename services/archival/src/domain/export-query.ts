import { BadRequestException } from '@nestjs/common';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A yyyy-MM-dd date that exists in the calendar, or a 400 that names the parameter. */
export function parseDateParameter(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new BadRequestException(`${name}: a date (yyyy-MM-dd) is required`);
  const match = DATE.exec(value);
  const date = match === null ? undefined : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (match === null || date === undefined || date.toISOString().slice(0, 10) !== value) throw new BadRequestException(`${name}: "${value}" is not a date (yyyy-MM-dd)`);
  return value;
}

/** The instants a day range covers in Vietnam time (UTC+7, no daylight saving): [from 00:00, the day after `to` 00:00). */
export function vietnamDayRange(from: string, to: string): { start: Date; end: Date } {
  const start = new Date(`${from}T00:00:00+07:00`);
  const end = new Date(`${to}T00:00:00+07:00`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { start, end };
}
