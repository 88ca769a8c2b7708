import { randomBytes } from 'node:crypto';
import type { PdfDocument } from '../core/pdf-document';
import { PdfDict, type PdfObject, PdfString, name } from '../core/pdf-objects';
import { NewStream, serialize, serializeIndirect } from '../core/serialize';
import { PdfSignError } from '../errors';
import type { UpdateObjects } from './update-objects';

export interface WrittenUpdate {
  /** Bytes to append to the original file. */
  readonly bytes: Buffer;
  /** Object number → offset of "N G obj" within `bytes`. */
  readonly objectOffsets: ReadonlyMap<number, number>;
}

/**
 * Serialises an incremental update (ISO 32000-1 7.5.6): the new and changed objects, a
 * cross-reference section of the same kind as the file's newest one (table or stream), and a
 * trailer whose /Prev links to the previous section. The original bytes are never touched.
 */
export function writeIncrementalUpdate(doc: PdfDocument, objects: UpdateObjects): WrittenUpdate {
  // An update links to the xref chain by offset; a rebuilt one has no such offsets to link to.
  if (doc.damage) throw new PdfSignError('UNSUPPORTED_PDF', 'an incremental update cannot be appended to a damaged file; it must be repaired (rewritten) first');
  const baseOffset = doc.source.length;
  const last = doc.source.byteAt(baseOffset - 1);
  const parts: Buffer[] = [];
  let length = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    length += b.length;
  };
  if (last !== 0x0a && last !== 0x0d) push(Buffer.from('\n'));
  const offsets = new Map<number, number>();
  const gens = new Map<number, number>();
  for (const { ref, value } of objects.objects) {
    offsets.set(ref.num, length);
    gens.set(ref.num, ref.gen);
    push(serializeIndirect(ref.num, ref.gen, value));
  }
  const trailer = new PdfDict();
  for (const key of ['Root', 'Info']) {
    const v = doc.trailer.get(key) ?? doc.xref.sections.map((s) => s.trailer.get(key)).find((x) => x !== undefined);
    if (v !== undefined && v !== null) trailer.set(key, v);
  }
  trailer.set('ID', newFileId(doc.trailer.get('ID')));
  trailer.set('Prev', doc.xref.startxref);
  const xrefOffset = length;
  if (doc.xref.sections[0].kind === 'stream') {
    const xrefRef = objects.allocate();
    offsets.set(xrefRef.num, xrefOffset);
    gens.set(xrefRef.num, 0);
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const maxOffset = baseOffset + xrefOffset;
    const w2 = Math.max(4, Math.ceil(Math.log2(maxOffset + 1) / 8));
    const rows = Buffer.alloc(nums.length * (1 + w2 + 2));
    nums.forEach((num, i) => {
      const p = i * (1 + w2 + 2);
      rows[p] = 1;
      rows.writeUIntBE(baseOffset + (offsets.get(num) as number), p + 1, w2);
      rows.writeUInt16BE(gens.get(num) as number, p + 1 + w2);
    });
    const dict = new PdfDict([
      ['Type', name('XRef')],
      ['Size', objects.size],
      ['Index', subsections(nums).flatMap(([first, count]) => [first, count])],
      ['W', [1, w2, 2]],
    ]);
    for (const [k, v] of trailer.map) dict.set(k, v);
    push(serializeIndirect(xrefRef.num, 0, new NewStream(dict, rows)));
  } else {
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    let table = 'xref\n';
    for (const [first, count] of subsections(nums)) {
      table += `${first} ${count}\n`;
      for (let n = first; n < first + count; n++) {
        table += `${String(baseOffset + (offsets.get(n) as number)).padStart(10, '0')} ${String(gens.get(n)).padStart(5, '0')} n\r\n`;
      }
    }
    trailer.set('Size', objects.size);
    push(Buffer.from(`${table}trailer\n${serialize(reorder(trailer))}\n`, 'latin1'));
  }
  push(Buffer.from(`startxref\n${baseOffset + xrefOffset}\n%%EOF\n`, 'latin1'));
  return { bytes: Buffer.concat(parts, length), objectOffsets: offsets };
}

function subsections(sorted: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const cur = out[out.length - 1];
    if (cur && cur[0] + cur[1] === n) cur[1]++;
    else out.push([n, 1]);
  }
  return out;
}

// /Size first reads better and matches what other writers produce.
function reorder(trailer: PdfDict): PdfDict {
  const out = new PdfDict([['Size', trailer.get('Size') as PdfObject]]);
  for (const [k, v] of trailer.map) if (k !== 'Size') out.set(k, v);
  return out;
}

/** Keeps the permanent identifier, changes the second (ISO 32000-1 14.4). */
function newFileId(existing: PdfObject | undefined): PdfObject[] {
  const fresh = new PdfString(randomBytes(16), true);
  if (Array.isArray(existing) && existing[0] instanceof PdfString) return [new PdfString(existing[0].bytes, true), fresh];
  return [fresh, fresh];
}
