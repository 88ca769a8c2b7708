import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFArray, PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import { signPdf, verifyPdf } from '@edoc/pdf-sign';
import { pdfsig, run, withTempDir } from './helpers/external-tools';
import { fixture, pdfLibDocument } from './helpers/inputs';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';
import { sealImage, signatureImage } from './helpers/png';

type Box = [number, number, number, number];

/** Widget rectangles as pdf-lib (an independent reader) sees them, in field order. */
async function widgetRects(pdf: Buffer): Promise<{ name: string; page: number; rect: Box; imageRect?: Box }[]> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const pages = doc.getPages();
  return doc.getForm().getFields().map((f) => {
    const w = f.acroField.getWidgets()[0];
    const r = w.getRectangle();
    const pageRef = w.P();
    const raw = w.dict.lookupMaybe(PDFName.of('EdocSignatureImage'), PDFArray);
    const imageRect = raw ? (raw.asArray().map((n) => (n as PDFNumber).asNumber()) as Box) : undefined;
    return { name: f.getName(), page: pages.findIndex((p) => p.ref === pageRef) + 1, rect: [r.x, r.y, r.width, r.height], imageRect };
  });
}

function pdftotext(pdf: Buffer, page: number): string {
  return withTempDir((dir) => {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    return run('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-']).output;
  });
}

const inside = (r: Box, page: { width: number; height: number }) => r[0] >= 0 && r[1] >= 0 && r[0] + r[2] <= page.width + 0.01 && r[1] + r[3] <= page.height + 0.01;

describe('visible signatures of Decree 30', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki();
  });

  test('person with image, then organisation seal over the left third of that image', async () => {
    const input = await pdfLibDocument({ pages: 3 });
    const person = await signPdf(input, { identity: pki.personId, appearance: { kind: 'person', competence: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn Đức', image: signatureImage() } });
    const both = await signPdf(person, { identity: pki.orgId, appearance: { kind: 'organisation', seal: sealImage(), numberNotation: '45/QĐ-UBND', issuedDate: '01/05/2024', orgName: 'UBND quận' } });
    const [p, o] = await widgetRects(both);
    expect(p.page).toBe(3); // the person signs on the last page by default
    expect(o.page).toBe(3);
    expect(inside(p.rect, { width: 595.28, height: 841.89 })).toBe(true);
    expect(inside(o.rect, { width: 595.28, height: 841.89 })).toBe(true);
    // The seal's right edge sits on the first third of the signature image, the seal centred on it.
    const img = p.imageRect as Box; // [x0 y0 x1 y1]
    const sealRight = o.rect[0] + o.rect[2] - (o.rect[2] - 102) / 2;
    expect(sealRight).toBeCloseTo(img[0] + (img[2] - img[0]) / 3, 0);
    const text = pdftotext(both, 3);
    for (const s of ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Nguyễn Văn Đức', '45/QĐ-UBND']) expect(text).toContain(s);
    expect(pdfsig(both).every((s) => s.valid)).toBe(true);
  });

  test('person without image: a text block with competence, position and name', async () => {
    const signed = await signPdf(fixture('cong-van.pdf'), { identity: pki.personId, appearance: { kind: 'person', competence: 'TM. ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', fullName: 'Lê Thị Thu Hằng' } });
    const text = pdftotext(signed, 1);
    for (const s of ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH', 'Lê Thị Thu Hằng']) expect(text).toContain(s);
  });

  test('attachment: organisation signature at the top right of page 1, number and ISO 8601 time in +07:00', async () => {
    const input = fixture('phu-luc.pdf');
    const signed = await signPdf(input, { identity: pki.orgId, appearance: { kind: 'attachment', numberNotation: '123/UBND-VP', time: new Date('2024-05-01T03:04:05Z') } });
    const [w] = await widgetRects(signed);
    const page = (await PDFDocument.load(input)).getPage(0).getSize();
    expect(w.page).toBe(1);
    expect(w.rect[0] + w.rect[2]).toBeGreaterThan(page.width - 40);
    expect(w.rect[1] + w.rect[3]).toBeGreaterThan(page.height - 40);
    expect(inside(w.rect, page)).toBe(true);
    const text = pdftotext(signed, 1);
    expect(text).toContain('123/UBND-VP');
    expect(text).toContain('2024-05-01T10:04:05+07:00');
  });

  test('a caller rect partly off the page is moved onto it; one larger than the page is refused', async () => {
    const input = await pdfLibDocument({ pages: 1 });
    const signed = await signPdf(input, { identity: pki.personId, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'A', page: 1, rect: [500, -30, 200, 80] } });
    const [w] = await widgetRects(signed);
    expect(inside(w.rect, { width: 595.28, height: 841.89 })).toBe(true);
    await expect(signPdf(input, { identity: pki.personId, appearance: { kind: 'person', position: 'X', fullName: 'A', rect: [0, 0, 900, 80] } })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(signPdf(input, { identity: pki.personId, appearance: { kind: 'person', position: 'X', fullName: 'A', page: 7 } })).rejects.toThrow('page 7 does not exist (the document has 1 page)');
  });

  test.each([90, 180, 270])('a page rotated %i°: the widget stays on the page and reads upright', async (rotate) => {
    const input = await pdfLibDocument({ pages: 1, rotate, cropBox: true });
    const signed = await signPdf(input, { identity: pki.orgId, appearance: { kind: 'attachment', numberNotation: '9/TB-UBND', time: new Date('2024-01-02T00:00:00Z') } });
    const [w] = await widgetRects(signed);
    // Inside the crop box [20 30 550 780] in user space.
    expect(w.rect[0]).toBeGreaterThanOrEqual(20 - 0.01);
    expect(w.rect[1]).toBeGreaterThanOrEqual(30 - 0.01);
    expect(w.rect[0] + w.rect[2]).toBeLessThanOrEqual(570 + 0.01);
    expect(w.rect[1] + w.rect[3]).toBeLessThanOrEqual(810 + 0.01);
    // pdftotext lays text out as displayed: upright text comes out in reading order.
    expect(pdftotext(signed, 1)).toContain('9/TB-UBND');
    expect(verifyPdf(signed, { anchorsPem: pki.anchorsPem }).signatures[0].indication).toBe('TOTAL_PASSED');
  });

  test('text the font cannot show and images that are not PNG are refused by name', async () => {
    const input = await pdfLibDocument({ pages: 1 });
    await expect(signPdf(input, { identity: pki.personId, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'Nguyễn 😀' } })).rejects.toMatchObject({ code: 'MISSING_GLYPH', message: expect.stringContaining('U+1F600') });
    await expect(signPdf(input, { identity: pki.personId, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'A', image: Buffer.from('GIF89a not a png') } })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    const truncatedPng = signatureImage().subarray(0, 60);
    await expect(signPdf(input, { identity: pki.personId, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'A', image: truncatedPng } })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
  });
});
