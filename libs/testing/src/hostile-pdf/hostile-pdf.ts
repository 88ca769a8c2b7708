/** Hand-made PDFs, valid and hostile, byte for byte the same on every run: for tests of anything that reads a stranger's PDF. */
import { constants, deflateRawSync, deflateSync } from 'node:zlib';

/**
 * Hand-assembled PDFs for hostile-input tests: no tool writes a /Length that names itself or an
 * object stream inside itself, so they are put together here, byte by byte, with correct offsets
 * unless the test breaks them on purpose.
 */
export interface RawObject {
  readonly num: number;
  /** What goes between "n 0 obj" and "endobj". */
  readonly body: string | Buffer;
}

const latin1 = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s);

/** "<< dict /Length n >> stream … endstream"; a dict that names its own /Length keeps it. */
export function stream(dict: string, data: string | Buffer): Buffer {
  const bytes = latin1(data);
  const withLength = /\/Length\b/.test(dict) ? dict : `${dict} /Length ${bytes.length}`;
  return Buffer.concat([latin1(`<< ${withLength} >>\nstream\n`), bytes, latin1('\nendstream')]);
}

/** A one-page document: catalog 1, pages 2, page 3, content 4 (and `extra` objects after). */
export function simpleDocument(options: { catalogExtra?: string; pageExtra?: string; content?: string } = {}): RawObject[] {
  return [
    { num: 1, body: `<< /Type /Catalog /Pages 2 0 R ${options.catalogExtra ?? ''}>>` },
    { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
    { num: 3, body: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R ${options.pageExtra ?? ''}>>` },
    { num: 4, body: stream('', options.content ?? 'BT /F1 12 Tf 72 760 Td (hostile input) Tj ET') },
  ];
}

interface Written {
  readonly bytes: Buffer;
  readonly offsets: Map<number, number>;
}

function writeObjects(objects: readonly RawObject[], version: string): Written {
  const parts: Buffer[] = [latin1(`%PDF-${version}\n%\xe2\xe3\xcf\xd3\n`)];
  let length = parts[0].length;
  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.num, length);
    const b = Buffer.concat([latin1(`${o.num} 0 obj\n`), latin1(o.body), latin1('\nendobj\n')]);
    parts.push(b);
    length += b.length;
  }
  return { bytes: Buffer.concat(parts), offsets };
}

/** Objects, a classic xref table listing them all, and a trailer (/Size and /Root 1 0 R unless given). */
export function classicPdf(objects: readonly RawObject[], options: { trailer?: string; version?: string } = {}): Buffer {
  const { bytes, offsets } = writeObjects(objects, options.version ?? '1.7');
  const size = Math.max(0, ...objects.map((o) => o.num)) + 1;
  let xref = `xref\n0 ${size}\n0000000000 65535 f\r\n`;
  for (let n = 1; n < size; n++) {
    const off = offsets.get(n);
    xref += off === undefined ? '0000000000 00000 f\r\n' : `${String(off).padStart(10, '0')} 00000 n\r\n`;
  }
  const trailer = options.trailer ?? '';
  const size_ = /\/Size\b/.test(trailer) ? '' : `/Size ${size} `;
  const root = /\/Root\b/.test(trailer) ? '' : '/Root 1 0 R ';
  return Buffer.concat([bytes, latin1(`${xref}trailer\n<< ${size_}${root}${trailer} >>\nstartxref\n${bytes.length}\n%%EOF\n`)]);
}

/**
 * Top-level objects, the `packed` ones in one object stream (number `objStmNum`), and an xref
 * stream (type 2 entries for the packed ones). `objStmDict` adds to the object stream's dictionary;
 * `objStmData` replaces its compressed data (a bomb), `xrefData` the xref stream's, `xrefEntries`
 * its rows.
 */
export function xrefStreamPdf(
  objects: readonly RawObject[],
  packed: readonly RawObject[],
  options: { objStmNum?: number; objStmDict?: string; objStmData?: Buffer; trailer?: string; xrefEntries?: (rows: [number, number, number][]) => [number, number, number][]; xrefData?: Buffer } = {},
): Buffer {
  const objStmNum = options.objStmNum ?? 90;
  const xrefNum = objStmNum + 1;
  let header = '';
  let body = '';
  for (const o of packed) {
    header += `${o.num} ${body.length} `;
    body += `${latin1(o.body).toString('latin1')}\n`;
  }
  const plain = latin1(header + body);
  const data = options.objStmData ?? deflateSync(plain);
  const objStm = stream(`/Type /ObjStm /N ${packed.length} /First ${header.length} /Filter /FlateDecode ${options.objStmDict ?? ''}`, data);
  const all = [...objects, { num: objStmNum, body: objStm }];
  const { bytes, offsets } = writeObjects(all, '1.7');
  const size = Math.max(xrefNum, ...all.map((o) => o.num), ...packed.map((o) => o.num)) + 1;
  let rows: [number, number, number][] = [];
  for (let n = 0; n < size; n++) {
    const index = packed.findIndex((o) => o.num === n);
    if (n === xrefNum) rows.push([1, bytes.length, 0]);
    else if (offsets.has(n)) rows.push([1, offsets.get(n) as number, 0]);
    else if (index >= 0) rows.push([2, objStmNum, index]);
    else rows.push([0, 0, 0]);
  }
  if (options.xrefEntries) rows = options.xrefEntries(rows);
  const table = Buffer.alloc(rows.length * 7);
  rows.forEach(([t, f2, f3], i) => {
    table[i * 7] = t;
    table.writeUInt32BE(f2, i * 7 + 1);
    table.writeUInt16BE(f3, i * 7 + 5);
  });
  const trailer = options.trailer ?? '';
  const root = /\/Root\b/.test(trailer) ? '' : '/Root 1 0 R ';
  const filter = options.xrefData ? '/Filter /FlateDecode ' : '';
  const xref = Buffer.concat([latin1(`${xrefNum} 0 obj\n`), stream(`/Type /XRef /Size ${size} /W [1 4 2] ${filter}${root}${trailer}`, options.xrefData ?? table), latin1('\nendobj\n')]);
  return Buffer.concat([bytes, xref, latin1(`startxref\n${bytes.length}\n%%EOF\n`)]);
}

/**
 * zlib data that inflates to `bytes` zero bytes, made without inflating or deflating them all:
 * one compressed mebibyte, flushed to a byte boundary, repeated, then a final empty block and the
 * Adler-32 of that many zeros (a = 1, b = n mod 65521), so a full decoder accepts it.
 */
export function flateBomb(bytes: number): Buffer {
  const MiB = 1 << 20;
  const whole = Math.floor(bytes / MiB);
  const block = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const tail = deflateRawSync(Buffer.alloc(bytes - whole * MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((bytes % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array<Buffer>(whole).fill(block), tail, Buffer.from([0x03, 0x00]), adler]);
}

/** A small, seeded, deterministic PRNG (mulberry32): the same corpus on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The bytes from the last cross-reference section (table or stream object) to the end. */
export function lastXrefRegion(pdf: Buffer): { start: number; end: number } {
  const text = pdf.toString('latin1');
  const startxref = Number(/startxref\s+(\d+)\s*%%EOF\s*$/.exec(text)?.[1]);
  return { start: startxref, end: pdf.length };
}
