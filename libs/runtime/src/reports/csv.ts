import { printable } from '@edoc/contracts';

/**
 * One CSV field (RFC 4180): quoted when it holds a separator, a quote or a line break. A control
 * character becomes U+FFFD (it would garble the file), and a text starting with = + - @ is prefixed
 * with ' so that a spreadsheet shows it instead of running it as a formula.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const clean = printable(value, true);
  const text = /^[=+\-@\t\r]/.test(clean) ? `'${clean}` : clean;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV file: a byte-order mark so spreadsheets read the Vietnamese as UTF-8, CRLF line ends. */
export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
