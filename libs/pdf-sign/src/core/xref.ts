import { PdfSignError } from '../errors';
import type { ByteSource } from './byte-source';
import { decodeStream } from './filters';
import { ObjectParser } from './object-parser';
import { PdfDict, type PdfObject, PdfRef, PdfStream, isName } from './pdf-objects';

export type XrefEntry =
  | { readonly kind: 'free' }
  | { readonly kind: 'offset'; readonly offset: number; readonly gen: number }
  | { readonly kind: 'compressed'; readonly stream: number; readonly index: number };

export interface XrefSection {
  /** Byte offset named by startxref or /Prev. */
  readonly offset: number;
  readonly kind: 'table' | 'stream';
  readonly trailer: PdfDict;
  readonly entries: ReadonlyMap<number, XrefEntry>;
}

export interface XrefChain {
  readonly startxref: number;
  /** Newest first. */
  readonly sections: readonly XrefSection[];
  readonly entries: ReadonlyMap<number, XrefEntry>;
  readonly trailer: PdfDict;
  /** First object number that no revision uses. */
  readonly nextObjectNumber: number;
}

const broken = (msg: string) => new PdfSignError('BROKEN_XREF', `broken cross-reference data: ${msg}`);

export function findStartxref(src: ByteSource): number {
  const head = src.read(0, 1024);
  if (head.indexOf('%PDF-') < 0) throw new PdfSignError('NOT_A_PDF', 'not a PDF file: no "%PDF-" header in its first 1024 bytes');
  const tailLength = Math.min(src.length, 4096);
  const tail = src.read(src.length - tailLength, tailLength);
  const at = tail.lastIndexOf('startxref');
  if (at < 0) throw new PdfSignError('TRUNCATED_PDF', 'the file is truncated or incomplete: no "startxref" near its end');
  const m = /^startxref\s+(\d+)/.exec(tail.subarray(at, at + 40).toString('latin1'));
  if (!m) throw new PdfSignError('TRUNCATED_PDF', 'the file is truncated or incomplete: "startxref" is not followed by an offset');
  return Number(m[1]);
}

export function readXrefChain(src: ByteSource): XrefChain {
  const startxref = findStartxref(src);
  const sections: XrefSection[] = [];
  const visited = new Set<number>();
  let next: number | undefined = startxref;
  while (next !== undefined) {
    if (visited.has(next)) throw broken(`/Prev chain loops back to byte ${next}`);
    visited.add(next);
    const section = readSection(src, next, next === startxref ? 'startxref' : '/Prev');
    sections.push(section);
    const prev = section.trailer.get('Prev');
    next = typeof prev === 'number' ? prev : undefined;
  }
  const entries = new Map<number, XrefEntry>();
  for (const s of sections) for (const [num, e] of s.entries) if (!entries.has(num)) entries.set(num, e);
  const trailer = sections[0].trailer;
  let nextObjectNumber = 0;
  for (const s of sections) {
    const size = s.trailer.get('Size');
    if (typeof size === 'number') nextObjectNumber = Math.max(nextObjectNumber, size);
    for (const num of s.entries.keys()) nextObjectNumber = Math.max(nextObjectNumber, num + 1);
  }
  if (!(trailer.get('Root') instanceof PdfRef) && !sections.some((s) => s.trailer.get('Root') instanceof PdfRef)) {
    throw broken('the trailer has no /Root (document catalog)');
  }
  return { startxref, sections, entries, trailer, nextObjectNumber };
}

function readSection(src: ByteSource, offset: number, via: string): XrefSection {
  if (offset <= 0 || offset >= src.length) throw broken(`${via} points to byte ${offset}, outside the file (${src.length} bytes)`);
  const parser = new ObjectParser(src);
  parser.pos = offset;
  parser.skipWhitespace();
  if (parser.peekKeyword('xref')) return readTable(src, parser, offset);
  try {
    return readStreamSection(src, offset);
  } catch (e) {
    if (e instanceof PdfSignError && e.code === 'BROKEN_XREF') throw e;
    throw broken(`${via} points to byte ${offset}, where there is neither an xref table nor an xref stream`);
  }
}

function readTable(src: ByteSource, parser: ObjectParser, offset: number): XrefSection {
  parser.pos += 4;
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    parser.skipWhitespace();
    if (parser.peekKeyword('trailer')) {
      parser.pos += 7;
      break;
    }
    const first = parser.readRegular();
    const count = parser.readRegular();
    if (!/^\d+$/.test(first) || !/^\d+$/.test(count)) throw broken(`xref table at byte ${offset}: bad subsection header "${first} ${count}"`);
    readTableEntries(src, parser, Number(first), Number(count), entries, offset);
  }
  let trailer: PdfObject;
  try {
    trailer = parser.parseValue();
  } catch {
    throw broken(`xref table at byte ${offset}: unreadable trailer dictionary`);
  }
  if (!(trailer instanceof PdfDict)) throw broken(`xref table at byte ${offset}: trailer is not a dictionary`);
  const xrefStm = trailer.get('XRefStm');
  if (typeof xrefStm === 'number') {
    // Hybrid-reference file: objects missing from the table live in the hidden xref stream.
    const hidden = readSection(src, xrefStm, '/XRefStm');
    for (const [num, e] of hidden.entries) {
      const own = entries.get(num);
      if (!own || own.kind === 'free') entries.set(num, e);
    }
  }
  return { offset, kind: 'table', trailer, entries };
}

function readTableEntries(src: ByteSource, parser: ObjectParser, first: number, count: number, out: Map<number, XrefEntry>, offset: number): void {
  parser.skipWhitespace();
  // Fast path: standard 20-byte lines.
  const block = src.read(parser.pos, count * 20);
  if (block.length === count * 20 && /^\d{10} \d{5} [nf](?: \r| \n|\r\n)$/.test(block.subarray(0, 20).toString('latin1'))) {
    let ok = true;
    const parsed: [number, XrefEntry][] = [];
    for (let i = 0; i < count; i++) {
      const line = block.subarray(i * 20, i * 20 + 20).toString('latin1');
      const m = /^(\d{10}) (\d{5}) ([nf])/.exec(line);
      if (!m) {
        ok = false;
        break;
      }
      parsed.push([first + i, m[3] === 'n' ? { kind: 'offset', offset: Number(m[1]), gen: Number(m[2]) } : { kind: 'free' }]);
    }
    if (ok) {
      for (const [num, e] of parsed) if (!out.has(num)) out.set(num, e);
      parser.pos += count * 20;
      return;
    }
  }
  for (let i = 0; i < count; i++) {
    const off = parser.readRegular();
    const gen = parser.readRegular();
    const type = parser.readRegular();
    if (!/^\d+$/.test(off) || !/^\d+$/.test(gen) || (type !== 'n' && type !== 'f')) throw broken(`xref table at byte ${offset}: malformed entry for object ${first + i}`);
    if (!out.has(first + i)) out.set(first + i, type === 'n' ? { kind: 'offset', offset: Number(off), gen: Number(gen) } : { kind: 'free' });
  }
}

function readStreamSection(src: ByteSource, offset: number): XrefSection {
  const parser = new ObjectParser(src);
  const obj = parser.parseIndirect(offset).value;
  if (!(obj instanceof PdfStream) || !isName(obj.dict.get('Type'), 'XRef')) throw broken(`no xref stream at byte ${offset}`);
  const dict = obj.dict;
  const w = dict.get('W');
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => typeof x === 'number' && x >= 0 && x <= 8)) throw broken(`xref stream at byte ${offset}: bad /W`);
  const [w1, w2, w3] = w as number[];
  const size = dict.get('Size');
  if (typeof size !== 'number') throw broken(`xref stream at byte ${offset}: no /Size`);
  const index = dict.get('Index');
  const ranges = Array.isArray(index) ? (index as number[]) : [0, size];
  const data = decodeStream(obj, `xref stream at byte ${offset}`);
  const rowLength = w1 + w2 + w3;
  const entries = new Map<number, XrefEntry>();
  let row = 0;
  const field = (pos: number, width: number, dflt: number) => {
    if (width === 0) return dflt;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[pos + i];
    return v;
  };
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const start = ranges[r];
    const count = ranges[r + 1];
    for (let i = 0; i < count; i++, row++) {
      const p = row * rowLength;
      if (p + rowLength > data.length) throw broken(`xref stream at byte ${offset} is shorter than its /Index says`);
      const type = field(p, w1, 1);
      const f2 = field(p + w1, w2, 0);
      const f3 = field(p + w1 + w2, w3, 0);
      const num = start + i;
      if (entries.has(num)) continue;
      if (type === 0) entries.set(num, { kind: 'free' });
      else if (type === 1) entries.set(num, { kind: 'offset', offset: f2, gen: f3 });
      else if (type === 2) entries.set(num, { kind: 'compressed', stream: f2, index: f3 });
      // other types are reserved and ignored (ISO 32000-1 7.5.8.3)
    }
  }
  return { offset, kind: 'stream', trailer: dict, entries };
}
