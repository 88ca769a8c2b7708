import { PDFDocument, StandardFonts } from 'pdf-lib';

/** Standard fonts cannot draw Vietnamese letters: fixtures fold them to ASCII. */
function ascii(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** A small PDF made by pdf-lib, a tool other than ours, with a line of text on each page. */
export async function makePdf(text: string, pages = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`${ascii(text)} (${i + 1}/${pages})`, { x: 72, y: 760, size: 14, font });
  }
  return Buffer.from(await doc.save());
}
