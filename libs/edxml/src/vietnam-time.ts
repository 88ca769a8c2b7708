/** edXML times are Vietnam time (UTC+7), written without an offset. */
const OFFSET_MS = 7 * 3600_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** yyyy/MM/dd HH:mm:ss in Vietnam time: the one form edoc writes. */
export function formatVietnamTime(date: Date): string {
  const v = new Date(date.getTime() + OFFSET_MS);
  return `${v.getUTCFullYear()}/${pad(v.getUTCMonth() + 1)}/${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`;
}

/**
 * Reads both forms the samples use (yyyy/MM/dd HH:mm:ss and dd/MM/yyyy HH:mm:ss); undefined for
 * anything else, or a date that does not exist.
 */
export function parseVietnamTime(text: string): Date | undefined {
  const ymd = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  const dmy = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  const parts = ymd ? [ymd[1], ymd[2], ymd[3], ymd[4], ymd[5], ymd[6]] : dmy ? [dmy[3], dmy[2], dmy[1], dmy[4], dmy[5], dmy[6]] : undefined;
  if (parts === undefined) return undefined;
  const [y, mo, d, h, mi, s] = parts.map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(utc - OFFSET_MS);
}

/** yyyy-MM-dd → yyyy/MM/dd */
export const edxmlDate = (isoDate: string): string => isoDate.replaceAll('-', '/');

/** yyyy/MM/dd (or dd/MM/yyyy) → yyyy-MM-dd; undefined when it is not a real date. */
export function isoDateOf(text: string): string | undefined {
  const ymd = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(text);
  const dmy = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  const iso = ymd ? `${ymd[1]}-${ymd[2]}-${ymd[3]}` : dmy ? `${dmy[3]}-${dmy[2]}-${dmy[1]}` : undefined;
  if (iso === undefined) return undefined;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : undefined;
}
