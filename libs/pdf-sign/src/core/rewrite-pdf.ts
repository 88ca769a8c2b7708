import { randomBytes } from 'node:crypto';
import type { ByteSink } from './byte-sink';
import type { PdfDocument } from './pdf-document';
import { PdfDict, type PdfObject, PdfRef, PdfStream, PdfString } from './pdf-objects';
import { trailerRoots } from './reachable';
import { serialize } from './serialize';

const COPY_CHUNK = 1024 * 1024;

export interface RewriteOptions {
  /** Replaces an object's value before it is written (removing active content); its references are then followed. */
  readonly transform?: (ref: PdfRef, value: PdfObject) => PdfObject;
}

export interface RewriteResult {
  readonly objects: number;
  readonly length: number;
}

/**
 * Writes the document anew: every object reachable from the trailer, renumbered from 1 in the
 * order found, streams copied as they are (filters kept), a classic xref table and a new trailer.
 * Only for unsigned files: this is exactly what breaks a signature. What the reader rebuilt from a
 * damaged file becomes a sound file, which the signer can then append to.
 */
export function rewritePdf(doc: PdfDocument, sink: ByteSink, options: RewriteOptions = {}): RewriteResult {
  const write = (s: string | Buffer) => sink.write(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
  write(`%PDF-${headerVersion(doc)}\n%\xe2\xe3\xcf\xd3\n`);
  const numbers = new Map<number, number>();
  const queue: PdfRef[] = [];
  const number = (ref: PdfRef): PdfRef | null => {
    const entry = doc.xref.entries.get(ref.num);
    if (!entry || entry.kind === 'free') return null; // a reference to nothing is null (ISO 32000-1 7.3.10)
    let n = numbers.get(ref.num);
    if (n === undefined) {
      n = numbers.size + 1;
      numbers.set(ref.num, n);
      queue.push(ref);
    }
    return new PdfRef(n, 0);
  };
  const roots = trailerRoots(doc).map((r) => ({ key: doc.trailer.get('Root') === r ? 'Root' : 'Info', ref: number(r) }));
  const offsets: number[] = [];
  for (let i = 0; i < queue.length; i++) {
    const ref = queue[i];
    let value = doc.fetch(ref);
    if (options.transform) value = options.transform(ref, value);
    offsets.push(sink.length);
    const n = numbers.get(ref.num) as number;
    // Serialising numbers the references it meets, which queues the objects they name.
    if (value instanceof PdfStream) {
      // The /Length is written directly, so an indirect one is not carried over.
      write(`${n} 0 obj\n${serialize(value.dict.clone().set('Length', value.dataLength), number)}\nstream\n`);
      for (let at = 0; at < value.dataLength; at += COPY_CHUNK) write(value.source.read(value.dataStart + at, Math.min(COPY_CHUNK, value.dataLength - at)));
      write('\nendstream\nendobj\n');
    } else {
      write(`${n} 0 obj\n${serialize(value, number)}\nendobj\n`);
    }
  }
  const xrefAt = sink.length;
  let table = `xref\n0 ${queue.length + 1}\n0000000000 65535 f\r\n`;
  for (const off of offsets) table += `${String(off).padStart(10, '0')} 00000 n\r\n`;
  const trailer = new PdfDict([['Size', queue.length + 1]]);
  for (const { key, ref } of roots) if (ref) trailer.set(key, ref);
  trailer.set('ID', fileId(doc.trailer.get('ID')));
  write(`${table}trailer\n${serialize(trailer)}\nstartxref\n${xrefAt}\n%%EOF\n`);
  return { objects: queue.length, length: sink.length };
}

function headerVersion(doc: PdfDocument): string {
  const m = /%PDF-(\d\.\d)/.exec(doc.source.read(0, 1024).toString('latin1'));
  return m ? m[1] : '1.7';
}

/** The same document (first identifier kept), a new version of it (second one fresh). */
function fileId(existing: PdfObject | undefined): PdfString[] {
  const fresh = new PdfString(randomBytes(16), true);
  if (Array.isArray(existing) && existing[0] instanceof PdfString) return [new PdfString(existing[0].bytes, true), fresh];
  return [fresh, fresh];
}
