import { PdfDict, PdfName, type PdfObject, PdfRaw, PdfRef, PdfStream, PdfString } from './pdf-objects';
import { PdfSignError } from '../errors';

const NAME_SAFE = /^[!-~]$/;
const NAME_ESCAPE = new Set([...'()<>[]{}/%#']);

/** Shortest exact text for a number, never in exponent form (PDF has none). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new PdfSignError('BAD_ARGUMENT', `cannot write the number ${n} into a PDF`);
  if (Number.isInteger(n)) return String(n);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(10).replace(/\.?0+$/, '');
}

/** Rounds to 1/1000 pt, plenty for placement and stable across runs. */
export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function formatName(value: string): string {
  let out = '/';
  for (const ch of Buffer.from(value, 'latin1')) {
    const c = String.fromCharCode(ch);
    out += NAME_SAFE.test(c) && !NAME_ESCAPE.has(c) ? c : `#${ch.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function formatString(s: PdfString): string {
  if (s.hex) return `<${s.bytes.toString('hex')}>`;
  let out = '(';
  for (const b of s.bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x0a) out += '\\n';
    else if (b < 0x20 || b > 0x7e) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out})`;
}

/** Serialises a direct object. Streams are written by `serializeIndirect`. */
export function serialize(obj: PdfObject): string {
  if (obj === null) return 'null';
  if (typeof obj === 'boolean') return obj ? 'true' : 'false';
  if (typeof obj === 'number') return formatNumber(obj);
  if (obj instanceof PdfName) return formatName(obj.value);
  if (obj instanceof PdfString) return formatString(obj);
  if (obj instanceof PdfRef) return `${obj.num} ${obj.gen} R`;
  if (Array.isArray(obj)) return `[${obj.map(serialize).join(' ')}]`;
  if (obj instanceof PdfDict) {
    let out = '<<';
    for (const [k, v] of obj.map) out += `${formatName(k)} ${serialize(v)}`;
    return `${out}>>`;
  }
  if (obj instanceof PdfRaw) return obj.bytes.toString('latin1');
  if (obj instanceof PdfStream) throw new PdfSignError('MALFORMED_PDF', 'a stream cannot be written as a direct object');
  throw new PdfSignError('MALFORMED_PDF', 'unknown PDF object type');
}

/** A stream to be written: its dictionary (without /Length, which is set here) and its bytes. */
export class NewStream {
  constructor(
    readonly dict: PdfDict,
    readonly data: Buffer,
  ) {}
}

export function serializeIndirect(num: number, gen: number, value: PdfObject | NewStream): Buffer {
  if (value instanceof NewStream) {
    const dict = value.dict.clone().set('Length', value.data.length);
    return Buffer.concat([Buffer.from(`${num} ${gen} obj\n${serialize(dict)}\nstream\n`, 'latin1'), value.data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  }
  return Buffer.from(`${num} ${gen} obj\n${serialize(value)}\nendobj\n`, 'latin1');
}
