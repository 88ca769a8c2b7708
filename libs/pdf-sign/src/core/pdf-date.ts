const VIETNAM_OFFSET_MINUTES = 7 * 60;

function shifted(date: Date, offsetMinutes: number): Date {
  return new Date(date.getTime() + offsetMinutes * 60_000);
}

const p = (n: number, w = 2) => String(n).padStart(w, '0');

/** PDF date string (ISO 32000-1 7.9.4) in Vietnam time: D:YYYYMMDDHHmmSS+07'00'. */
export function pdfDate(date: Date, offsetMinutes = VIETNAM_OFFSET_MINUTES): string {
  const d = shifted(date, offsetMinutes);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${sign}${p(Math.floor(abs / 60))}'${p(abs % 60)}'`;
}

/** ISO 8601 with the Vietnam offset, e.g. 2024-05-01T10:00:00+07:00. */
export function isoVietnam(date: Date): string {
  const d = shifted(date, VIETNAM_OFFSET_MINUTES);
  return `${d.toISOString().slice(0, 19)}+07:00`;
}

/** Parses a PDF date string; undefined when it is not one. */
export function parsePdfDate(s: string): Date | undefined {
  const m = /^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', zone, zh = '00', zm = '00'] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  if (zone === '+' || zone === '-') ms -= (zone === '+' ? 1 : -1) * (Number(zh) * 60 + Number(zm)) * 60_000;
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
