import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import { run, withTempDir } from './external-tools';

export const FIXTURES = join(__dirname, '..', 'fixtures');

/**
 * A small letter made by pdf-lib; `objectStreams` selects xref stream + object streams or a classic
 * table; `paddingBytes` attaches that many random bytes, for a file past a size threshold.
 */
export async function pdfLibDocument(opts: { pages?: number; objectStreams?: boolean; rotate?: number; cropBox?: boolean; paddingBytes?: number } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < (opts.pages ?? 2); i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Page ${i + 1}: routine correspondence`, { x: 72, y: 760, size: 14, font });
    if (opts.rotate) page.setRotation(degrees(opts.rotate));
    if (opts.cropBox) page.setCropBox(20, 30, 550, 780);
  }
  doc.setTitle('edoc test');
  if (opts.paddingBytes) await doc.attach(randomBytes(opts.paddingBytes), 'padding.bin', { mimeType: 'application/octet-stream' });
  return Buffer.from(await doc.save({ useObjectStreams: opts.objectStreams ?? true }));
}

/** Runs a command-line tool on a PDF and returns what it wrote. */
export function transform(pdf: Buffer, tool: (input: string, output: string) => [string, string[]]): Buffer {
  return withTempDir((dir) => {
    const input = join(dir, 'in.pdf');
    const output = join(dir, 'out.pdf');
    writeFileSync(input, pdf);
    const [cmd, args] = tool(input, output);
    const r = run(cmd, args);
    // qpdf exits 3 for warnings it recovered from; the output is still written.
    if (r.status !== 0 && r.status !== 3) throw new Error(`${cmd} failed (${r.status}): ${r.output}`);
    return readFileSync(output);
  });
}

export const qpdf = (pdf: Buffer, ...args: string[]) => transform(pdf, (i, o) => ['qpdf', [...args, i, o]]);
export const ghostscript = (pdf: Buffer) => transform(pdf, (i, o) => ['gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', `-sOutputFile=${o}`, i]]);

/**
 * A hybrid-reference file (ISO 32000-1 7.5.8.4): a classic table whose trailer has /XRefStm
 * pointing to an xref stream for the objects kept in an object stream. No common tool writes
 * these any more, so it is assembled by hand.
 */
export function hybridReferencePdf(): Buffer {
  const parts: Buffer[] = [];
  const offsets: Record<number, number> = {};
  let length = 0;
  const add = (b: string | Buffer) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    length += buf.length;
  };
  const obj = (num: number, body: string | Buffer) => {
    offsets[num] = length;
    add(`${num} 0 obj\n`);
    add(body);
    add('\nendobj\n');
  };
  add('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n');
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>');
  const content = 'BT /F1 24 Tf 72 760 Td (Hybrid-reference file) Tj ET';
  obj(5, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  const font = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  const info = '<< /Title (hybrid) /Producer (hand) >>';
  const header = `4 0 8 ${font.length + 1} `;
  const objStm = deflateSync(Buffer.from(`${header}${font} ${info}`, 'latin1'));
  obj(6, Buffer.concat([Buffer.from(`<< /Type /ObjStm /N 2 /First ${header.length} /Filter /FlateDecode /Length ${objStm.length} >>\nstream\n`, 'latin1'), objStm, Buffer.from('\nendstream', 'latin1')]));
  const rows = Buffer.alloc(2 * 7);
  [
    [2, 6, 0],
    [2, 6, 1],
  ].forEach(([t, f2, f3], i) => {
    rows[i * 7] = t;
    rows.writeUInt32BE(f2, i * 7 + 1);
    rows.writeUInt16BE(f3, i * 7 + 5);
  });
  obj(7, Buffer.concat([Buffer.from(`<< /Type /XRef /Size 9 /W [1 4 2] /Index [4 1 8 1] /Length ${rows.length} >>\nstream\n`, 'latin1'), rows, Buffer.from('\nendstream', 'latin1')]));
  const xref = length;
  const entry = (n: number | undefined) => (n === undefined ? '0000000000 00000 f\r\n' : `${String(n).padStart(10, '0')} 00000 n\r\n`);
  add(`xref\n0 9\n0000000000 65535 f\r\n${[1, 2, 3].map((n) => entry(offsets[n])).join('')}${entry(undefined)}${[5, 6, 7].map((n) => entry(offsets[n])).join('')}${entry(undefined)}`);
  add(`trailer\n<< /Size 9 /Root 1 0 R /Info 8 0 R /XRefStm ${offsets[7]} >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** Appends a hand-written incremental update that replaces the document information dictionary. */
export function withEarlierUpdate(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  const size = Number([...text.matchAll(/\/Size (\d+)/g)].pop()?.[1]);
  const root = [...text.matchAll(/\/Root (\d+ \d+) R/g)].pop()?.[1];
  const body = `${size} 0 obj\n<< /Title (Revised before signing) /Producer (a hand-written update) >>\nendobj\n`;
  const objOffset = pdf.length + 1;
  const xref = objOffset + body.length;
  const update = `\n${body}xref\n0 1\n0000000000 65535 f\r\n${size} 1\n${String(objOffset).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size ${size + 1} /Root ${root} R /Info ${size} 0 R /Prev ${startxref} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** Every kind of input the issue names, made by tools we did not write (or by hand where none does). */
export async function allInputs(): Promise<Record<string, Buffer>> {
  const classic = await pdfLibDocument({ objectStreams: false, pages: 3 });
  const streams = await pdfLibDocument({ objectStreams: true, pages: 3 });
  return {
    'pdf-lib, classic xref table': classic,
    'pdf-lib, xref stream and object streams': streams,
    'qpdf, object streams generated': qpdf(classic, '--object-streams=generate'),
    'qpdf, linearised': qpdf(classic, '--linearize'),
    'qpdf, linearised with object streams': qpdf(classic, '--linearize', '--object-streams=generate'),
    'ghostscript pdfwrite': ghostscript(classic),
    'hand-made hybrid-reference file': hybridReferencePdf(),
    'file with an earlier incremental update': withEarlierUpdate(classic),
    'LibreOffice letter (fixture)': fixture('cong-van.pdf'),
    'LibreOffice 4-page attachment (fixture)': fixture('phu-luc.pdf'),
  };
}
