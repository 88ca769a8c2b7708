import { deflateSync } from 'node:zlib';
import { PdfDict, PdfName, type PdfObject, type PdfRef, PdfString, name } from '../core/pdf-objects';
import { NewStream, round3 } from '../core/serialize';
import type { UpdateObjects } from '../update/update-objects';
import type { FontSubset } from './font-subset';
import type { LoadedFont } from './fonts';

/** Writes a Type0/CIDFontType2 font with Identity-H encoding for a subset; returns the font's ref. */
export function addFontObjects(objects: UpdateObjects, font: LoadedFont, subset: FontSubset): PdfRef {
  const f = font.font;
  const scale = 1000 / font.unitsPerEm;
  const baseFont = `${subset.tag}+${(f.postscriptName ?? 'LiberationSerif').replace(/[^A-Za-z0-9-]/g, '')}`;
  const fontFile = objects.add(new NewStream(new PdfDict([['Filter', name('FlateDecode')], ['Length1', subset.fontFileLength]]), subset.fontFile));
  const descriptor = objects.add(
    new PdfDict([
      ['Type', name('FontDescriptor')],
      ['FontName', PdfName.of(baseFont)],
      ['Flags', 34], // serif, non-symbolic
      ['FontBBox', [f.bbox.minX, f.bbox.minY, f.bbox.maxX, f.bbox.maxY].map((v) => Math.round(v * scale))],
      ['ItalicAngle', f.italicAngle],
      ['Ascent', Math.round(f.ascent * scale)],
      ['Descent', Math.round(f.descent * scale)],
      ['CapHeight', Math.round(f.capHeight * scale)],
      ['StemV', font.style === 'bold' ? 140 : 80],
      ['FontFile2', fontFile],
      // Which CIDs the subset holds: PDF/A-1 requires it of every embedded CID font subset (ISO 19005-1 6.3.5).
      ['CIDSet', objects.add(new NewStream(new PdfDict([['Filter', name('FlateDecode')]]), deflateSync(cidSetOf(subset.glyphCount))))],
    ]),
  );
  const widths: PdfObject[] = subset.widths.slice(1).map((w) => round3(w));
  const cidFont = objects.add(
    new PdfDict([
      ['Type', name('Font')],
      ['Subtype', name('CIDFontType2')],
      ['BaseFont', PdfName.of(baseFont)],
      ['CIDSystemInfo', new PdfDict([['Registry', PdfString.text('Adobe')], ['Ordering', PdfString.text('Identity')], ['Supplement', 0]])],
      ['FontDescriptor', descriptor],
      ['W', [1, widths]],
      ['CIDToGIDMap', name('Identity')],
    ]),
  );
  const toUnicode = objects.add(new NewStream(new PdfDict(), Buffer.from(toUnicodeCMap(subset.unicode), 'latin1')));
  return objects.add(
    new PdfDict([
      ['Type', name('Font')],
      ['Subtype', name('Type0')],
      ['BaseFont', PdfName.of(baseFont)],
      ['Encoding', name('Identity-H')],
      ['DescendantFonts', [cidFont]],
      ['ToUnicode', toUnicode],
    ]),
  );
}

/** One bit per CID, most significant first: with CIDToGIDMap /Identity the CIDs present are the font program's glyphs 0 … count-1. */
function cidSetOf(count: number): Buffer {
  const bits = Buffer.alloc(Math.ceil(count / 8));
  for (let cid = 0; cid < count; cid++) bits[cid >> 3] |= 0x80 >> (cid & 7);
  return bits;
}

function toUnicodeCMap(unicode: ReadonlyMap<number, number>): string {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  const utf16 = (cp: number) => {
    const b = Buffer.from(String.fromCodePoint(cp), 'utf16le');
    b.swap16();
    return b.toString('hex');
  };
  const entries = [...unicode.entries()].sort((a, b) => a[0] - b[0]);
  let body = '';
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    body += `${chunk.length} beginbfchar\n${chunk.map(([cid, cp]) => `<${hex4(cid)}> <${utf16(cp)}>`).join('\n')}\nendbfchar\n`;
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    `${body}endcmap`,
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
    '',
  ].join('\n');
}
