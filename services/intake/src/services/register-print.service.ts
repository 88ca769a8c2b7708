import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { FONT_DIR } from '@edoc/pdf-sign';
import { REGISTER_COLUMNS } from '../domain/register-columns';
import type { RegisterBook, RegisterEntry } from '../repositories/registers.repository';

const PAGE = { width: 842, height: 595, margin: 36 };
const FONT_SIZE = 8;
const LINE = FONT_SIZE * 1.25;
const TITLES: Record<RegisterBook, string> = { outgoing: 'SỔ ĐĂNG KÝ VĂN BẢN ĐI', incoming: 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN' };

/** Breaks a cell's text into lines that fit its width (words longer than the cell are cut). */
function wrap(text: string, font: PDFFont, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (font.widthOfTextAtSize(candidate, FONT_SIZE) <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      line = word;
      while (font.widthOfTextAtSize(line, FONT_SIZE) > width && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), FONT_SIZE) > width) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A closed register printed as a PDF: A4 landscape, the columns of Decree 30, page numbers. */
@Injectable()
export class RegisterPrintService {
  async print(book: RegisterBook, orgName: string, year: number, entries: RegisterEntry[]): Promise<Buffer> {
    // pdf-lib and fontkit load with the first register printed, not at every start of intake (about 0.3 s of CPU).
    const [{ PDFDocument, rgb }, { default: fontkit }] = await Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit')]);
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const regular = await doc.embedFont(readFileSync(join(FONT_DIR, 'LiberationSerif-Regular.ttf')), { subset: true });
    const bold = await doc.embedFont(readFileSync(join(FONT_DIR, 'LiberationSerif-Bold.ttf')), { subset: true });
    doc.setTitle(`${TITLES[book]} ${year} - ${orgName}`);
    doc.setProducer('edoc');
    const columns = REGISTER_COLUMNS[book];
    const usable = PAGE.width - 2 * PAGE.margin;
    const totalWeight = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (c.width / totalWeight) * usable);
    let page: PDFPage | undefined;
    let y = 0;
    const pages: PDFPage[] = [];

    const drawRow = (cells: string[], font: PDFFont) => {
      const wrapped = cells.map((cell, i) => wrap(cell, font, widths[i] - 6));
      const height = Math.max(...wrapped.map((lines) => lines.length)) * LINE + 6;
      if (page === undefined || y - height < PAGE.margin + 20) {
        page = doc.addPage([PAGE.width, PAGE.height]);
        pages.push(page);
        y = PAGE.height - PAGE.margin;
        if (pages.length === 1) {
          page.drawText(`${TITLES[book]} - NĂM ${year}`, { x: PAGE.margin, y: y - 14, size: 14, font: bold });
          page.drawText(orgName, { x: PAGE.margin, y: y - 32, size: 11, font: regular });
          y -= 48;
        }
        if (font !== bold) drawRow(columns.map((c) => c.title), bold);
      }
      let x = PAGE.margin;
      wrapped.forEach((lines, i) => {
        page!.drawRectangle({ x, y: y - height, width: widths[i], height, borderColor: rgb(0, 0, 0), borderWidth: 0.5 });
        lines.forEach((line, n) => page!.drawText(line, { x: x + 3, y: y - 3 - FONT_SIZE - n * LINE, size: FONT_SIZE, font }));
        x += widths[i];
      });
      y -= height;
    };

    drawRow(columns.map((c) => c.title), bold);
    for (const entry of entries) drawRow(columns.map((c) => c.value(entry)), regular);
    if (entries.length === 0) drawRow(['(không có văn bản)', ...columns.slice(1).map(() => '')], regular);
    pages.forEach((p, i) => p.drawText(`Trang ${i + 1}/${pages.length}`, { x: PAGE.width - PAGE.margin - 60, y: PAGE.margin - 16, size: 8, font: regular }));
    return Buffer.from(await doc.save());
  }
}
