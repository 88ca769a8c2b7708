import { PdfSignError } from '../errors';
import type { ByteSource } from './byte-source';
import { decodeStream } from './filters';
import { type ObjectHeader, ObjectParser } from './object-parser';
import { PdfDict, type PdfObject, PdfRef, PdfStream, isName } from './pdf-objects';
import type { ReadLimits } from './read-budget';

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

const INITIAL_TAIL = 4096;
// Writers and transfers append junk after %%EOF (qpdf, pdfinfo and mutool still open such files).
const MAX_TAIL = 1024 * 1024;
const STARTXREF = 'startxref';

/** The offset named by the last "startxref" of the file, searched backwards through up to 1 MiB. */
export function findStartxref(src: ByteSource): number {
  const head = src.read(0, 1024);
  if (head.indexOf('%PDF-') < 0) throw new PdfSignError('NOT_A_PDF', 'not a PDF file: no "%PDF-" header in its first 1024 bytes');
  const at = lastStartxref(src);
  if (at < 0) throw new PdfSignError('TRUNCATED_PDF', `the file is truncated or incomplete: no "startxref" in its last ${Math.min(src.length, MAX_TAIL)} bytes`);
  const after = src.read(at + STARTXREF.length, 40).toString('latin1');
  const m = /^\s+(\d+)/.exec(after);
  if (m) return Number(m[1]);
  if (/^\s*$/.test(after)) throw new PdfSignError('TRUNCATED_PDF', 'the file is truncated or incomplete: "startxref" is not followed by an offset');
  throw broken(`"startxref" is followed by "${after.trim().slice(0, 20)}", not by an offset`);
}

function lastStartxref(src: ByteSource): number {
  const limit = Math.min(src.length, MAX_TAIL);
  let window = Math.min(limit, INITIAL_TAIL);
  let searchedFrom = src.length;
  for (;;) {
    const from = src.length - window;
    // Overlap the part already searched by the keyword's length, so that one cut in two is found.
    const chunk = src.read(from, Math.min(searchedFrom + STARTXREF.length, src.length) - from);
    const idx = chunk.lastIndexOf(STARTXREF);
    if (idx >= 0) return from + idx;
    if (window >= limit) return -1;
    searchedFrom = from;
    window = Math.min(limit, window * 4);
  }
}

export function readXrefChain(src: ByteSource, limits: ReadLimits): XrefChain {
  const startxref = findStartxref(src);
  const sections: XrefSection[] = [];
  const visited = new Set<number>();
  let next: number | undefined = startxref;
  while (next !== undefined) {
    if (visited.has(next)) throw broken(`the /Prev chain loops back to the section at byte ${next} (a reference cycle)`);
    visited.add(next);
    limits.countObjects(1, 'cross-reference sections');
    const section = readSection(src, next, next === startxref ? 'startxref' : '/Prev', limits);
    sections.push(section);
    const prev = section.trailer.get('Prev');
    if (prev !== undefined && prev !== null && typeof prev !== 'number') throw broken(`the section at byte ${next} has a /Prev that is not a number`);
    next = typeof prev === 'number' ? prev : undefined;
  }
  const entries = new Map<number, XrefEntry>();
  for (const s of sections) for (const [num, e] of s.entries) if (!entries.has(num)) entries.set(num, e);
  const trailer = sections[0].trailer;
  let nextObjectNumber = 0;
  for (const s of sections) {
    const size = s.trailer.get('Size');
    if (size !== undefined && (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)) throw broken(`the section at byte ${s.offset} has an unusable /Size`);
    if (typeof size === 'number') nextObjectNumber = Math.max(nextObjectNumber, size);
    for (const num of s.entries.keys()) nextObjectNumber = Math.max(nextObjectNumber, num + 1);
  }
  // New objects are numbered from here: an absurd /Size would give them absurd numbers.
  if (nextObjectNumber > limits.maxObjects) throw broken(`object numbers run to ${nextObjectNumber}, beyond the ${limits.maxObjects} objects a document may have`);
  if (!(trailer.get('Root') instanceof PdfRef) && !sections.some((s) => s.trailer.get('Root') instanceof PdfRef)) {
    throw broken('the trailer has no /Root (document catalog)');
  }
  return { startxref, sections, entries, trailer, nextObjectNumber };
}

function readSection(src: ByteSource, offset: number, via: string, limits: ReadLimits): XrefSection {
  if (!Number.isSafeInteger(offset) || offset <= 0 || offset >= src.length) throw broken(`${via} points to byte ${offset}, outside the file (${src.length} bytes)`);
  const parser = new ObjectParser(src, { maxDepth: limits.maxNestingDepth });
  parser.pos = offset;
  parser.skipWhitespace();
  if (parser.peekKeyword('xref')) return readTable(src, parser, offset, limits);
  return readStreamSection(src, offset, via, limits);
}

function readTable(src: ByteSource, parser: ObjectParser, offset: number, limits: ReadLimits): XrefSection {
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
    if (!/^\d{1,15}$/.test(first) || !/^\d{1,15}$/.test(count)) throw broken(`xref table at byte ${offset}: bad subsection header "${first.slice(0, 20)} ${count.slice(0, 20)}"`);
    // The shortest entry a lenient reader accepts is "0 0 n" and a separator: six bytes.
    if (Number(count) * 6 > src.length - parser.pos) throw broken(`xref table at byte ${offset}: a subsection claims ${count} entries, more than the rest of the file can hold`);
    limits.countObjects(Number(count), `xref table at byte ${offset}`);
    readTableEntries(src, parser, Number(first), Number(count), entries, offset);
  }
  let trailer: PdfObject;
  try {
    trailer = parser.parseValue();
  } catch (e) {
    if (e instanceof PdfSignError && e.code === 'MALFORMED_PDF') throw broken(`xref table at byte ${offset}: unreadable trailer dictionary (${e.message})`);
    throw e;
  }
  if (!(trailer instanceof PdfDict)) throw broken(`xref table at byte ${offset}: trailer is not a dictionary`);
  const xrefStm = trailer.get('XRefStm');
  if (typeof xrefStm === 'number') {
    // Hybrid-reference file: objects missing from the table live in the hidden xref stream. Only
    // a stream is followed, so a /XRefStm naming a table cannot lead back here.
    const hidden = readStreamSection(src, xrefStm, '/XRefStm', limits);
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

function readStreamSection(src: ByteSource, offset: number, via: string, limits: ReadLimits): XrefSection {
  if (!Number.isSafeInteger(offset) || offset <= 0 || offset >= src.length) throw broken(`${via} points to byte ${offset}, outside the file (${src.length} bytes)`);
  const parser = new ObjectParser(src, { maxDepth: limits.maxNestingDepth });
  let header: ObjectHeader;
  try {
    header = parser.readObjectHeader(offset);
  } catch {
    throw broken(`${via} points to byte ${offset}, where there is neither an xref table nor an xref stream`);
  }
  let obj: PdfObject;
  let data: Buffer;
  try {
    obj = parser.parseIndirectBody(header).value;
    if (!(obj instanceof PdfStream) || !isName(obj.dict.get('Type'), 'XRef')) throw broken(`${via} points to byte ${offset}, where there is an object but not an xref stream`);
    data = decodeStream(obj, `xref stream at byte ${offset}`, limits);
  } catch (e) {
    // What else went wrong (nesting, the budget) is reported as it is.
    if (e instanceof PdfSignError && (e.code === 'MALFORMED_PDF' || e.code === 'UNSUPPORTED_PDF')) throw broken(`the xref stream at byte ${offset} is unreadable: ${e.message}`);
    throw e;
  }
  const dict = obj.dict;
  const w = dict.get('W');
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8)) throw broken(`xref stream at byte ${offset}: bad /W`);
  const [w1, w2, w3] = w as number[];
  const rowLength = w1 + w2 + w3;
  if (rowLength === 0) throw broken(`xref stream at byte ${offset}: /W gives rows of zero bytes`);
  const size = dict.get('Size');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw broken(`xref stream at byte ${offset}: no usable /Size`);
  const index = dict.get('Index');
  const ranges = index === undefined || index === null ? [0, size] : index;
  if (!Array.isArray(ranges) || ranges.length % 2 !== 0 || !ranges.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) throw broken(`xref stream at byte ${offset}: bad /Index`);
  const entries = new Map<number, XrefEntry>();
  let row = 0;
  const field = (pos: number, width: number, dflt: number) => {
    if (width === 0) return dflt;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[pos + i];
    return v;
  };
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const start = ranges[r] as number;
    const count = ranges[r + 1] as number;
    // Checked before the loop: a hostile /Index may claim billions of rows.
    if ((row + count) * rowLength > data.length) throw broken(`xref stream at byte ${offset} is shorter than its /Index says`);
    limits.countObjects(count, `xref stream at byte ${offset}`);
    for (let i = 0; i < count; i++, row++) {
      const p = row * rowLength;
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
