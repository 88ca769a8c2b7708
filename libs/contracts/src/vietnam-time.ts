/** Vietnam keeps UTC+7 all year: no daylight saving, so a fixed offset is exact. */
export const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

function shifted(instant: Date): Date {
  return new Date(instant.getTime() + VIETNAM_OFFSET_MS);
}

/** The calendar year in Vietnam: registers roll over at 00:00 on 1 January, UTC+7. */
export function vietnamYear(instant: Date): number {
  return shifted(instant).getUTCFullYear();
}

/** yyyy-MM-dd of the instant in Vietnam: the day a document counts for. */
export function vietnamDate(instant: Date): string {
  return shifted(instant).toISOString().slice(0, 10);
}

/** ISO 8601 with the +07:00 offset, to the second: 2026-11-26T08:15:00+07:00. */
export function vietnamIsoTime(instant: Date): string {
  return `${shifted(instant).toISOString().slice(0, 19)}+07:00`;
}
