import { PdfDict, PdfName, type PdfObject, PdfRaw, PdfRef, PdfStream, PdfString } from './pdf-objects';
import { PdfSignError } from '../errors';

const NAME_SAFE = /^[!-~]$/;
const NAME_ESCAPE = new Set([...'()<>[]{}/%#']);

/** Shortest exact text for a number, never in exponent form (PDF has none). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new PdfSignError('BAD_ARGUMENT', `cannot write the number ${n} into a PDF`);
  // From 1e21 on String() switches to exponent form; a rewritten hostile file may hold such numbers.
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
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

// One native replace instead of a loop of string appends: a hostile 4 MB string took seconds.
// Anything outside printable ASCII, and the three characters with a meaning inside ( ).
const NEEDS_ESCAPE = /[^ -~]|[()\\]/g;
const escapeByte = (ch: string): string => {
  if (ch === '(' || ch === ')' || ch === '\\') return `\\${ch}`;
  if (ch === '\r') return '\\r';
  if (ch === '\n') return '\\n';
  return `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`;
};

function formatString(s: PdfString): string {
  if (s.hex) return `<${s.bytes.toString('hex')}>`;
  return `(${s.bytes.toString('latin1').replace(NEEDS_ESCAPE, escapeByte)})`;
}

/**
 * Serialises a direct object. Streams are written by `serializeIndirect`. `mapRef` renumbers
 * references (a rewritten file); null writes the reference as null (an object left out).
 */
export function serialize(obj: PdfObject, mapRef?: (ref: PdfRef) => PdfRef | null): string {
  if (obj === null) return 'null';
  if (typeof obj === 'boolean') return obj ? 'true' : 'false';
  if (typeof obj === 'number') return formatNumber(obj);
  if (obj instanceof PdfName) return formatName(obj.value);
  if (obj instanceof PdfString) return formatString(obj);
  if (obj instanceof PdfRef) {
    const ref = mapRef ? mapRef(obj) : obj;
    return ref ? `${ref.num} ${ref.gen} R` : 'null';
  }
  if (Array.isArray(obj)) return `[${obj.map((item) => serialize(item, mapRef)).join(' ')}]`;
  if (obj instanceof PdfDict) {
    let out = '<<';
    for (const [k, v] of obj.map) out += `${formatName(k)} ${serialize(v, mapRef)}`;
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
