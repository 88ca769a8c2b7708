import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFBool, PDFDocument, PDFName, PDFNumber, rgb } from 'pdf-lib';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, issuePersonCertificate, loadSigningIdentity } from '@edoc/pki';
import { FONT_DIR, signPdfFile } from '@edoc/pdf-sign';
import { PageTextRepository } from '../src/repositories/page-text.repository';
import { SignatureLayoutService } from '../src/services/signature-layout.service';

type Box = [number, number, number, number]; // x0, y0, x1, y1, origin bottom left

const PAGE_HEIGHT = 841.89;

/** A Vietnamese công văn's last page: body text, "Nơi nhận" on the left, the signature block on the right. */
async function letter(options: { form?: boolean } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(readFileSync(join(FONT_DIR, 'LiberationSerif-Regular.ttf')), { subset: true });
  const bold = await doc.embedFont(readFileSync(join(FONT_DIR, 'LiberationSerif-Bold.ttf')), { subset: true });
  const page = doc.addPage([595.28, PAGE_HEIGHT]);
  const write = (text: string, x: number, y: number, font = regular, size = 13) => page.drawText(text, { x, y, size, font, color: rgb(0, 0, 0) });
  for (let line = 0; line < 18; line++) write(`Đoạn ${line + 1}: Ủy ban nhân dân quận đề nghị các phường triển khai thực hiện nghiêm túc nội dung.`, 60, 780 - line * 20, regular, 12);
  write('Nơi nhận:', 60, 330, bold, 11);
  for (const [index, text] of ['- Như trên;', '- Lưu: VT, VP.'].entries()) write(text, 60, 315 - index * 14, regular, 10);
  write('TM. ỦY BAN NHÂN DÂN', 350, 330, bold);
  write('CHỦ TỊCH', 400, 314, bold);
  write('Ngô Thanh Thảo', 385, 220, bold);
  if (options.form) {
    const form = doc.getForm();
    form.createTextField('ghi_chu').addToPage(page, { x: 60, y: 100, width: 200, height: 20 });
    form.acroForm.dict.set(PDFName.of('NeedAppearances'), PDFBool.True);
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Word boxes from poppler, the independent reader of the page's text positions. */
function wordBoxes(path: string): Box[] {
  const xhtml = execFileSync('pdftotext', ['-bbox', path, '-'], { encoding: 'utf8' });
  return [...xhtml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</g)].map((m) => [Number(m[1]), PAGE_HEIGHT - Number(m[4]), Number(m[3]), PAGE_HEIGHT - Number(m[2])]);
}

async function widgetRects(pdf: Buffer): Promise<Map<string, Box>> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const rects = new Map<string, Box>();
  for (const field of doc.getForm().getFields()) {
    for (const widget of field.acroField.getWidgets()) {
      const r = widget.getRectangle();
      rects.set(field.getName(), [r.x, r.y, r.x + r.width, r.y + r.height]);
    }
  }
  return rects;
}

const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

describe('signatures placed from the document\'s own text (MuPDF reads the page, poppler checks where everything went)', () => {
  const root = createRootCa({ commonName: 'Layout Root', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(root, { commonName: 'Layout CA', keyAlgorithm: 'ec-p256' });
  const org = { orgCode: '000.00.13.H26', orgName: 'Ủy ban nhân dân quận Hai Bà Trưng' };
  const person = loadSigningIdentity({ ...pem(issuePersonCertificate(ca, { ...org, fullName: 'Ngô Thanh Thảo', position: 'Chủ tịch', keyAlgorithm: 'ec-p256' })), chainPem: [ca.certificatePem] });
  const seal = loadSigningIdentity({ ...pem(issueOrganisationCertificate(ca, { ...org, keyAlgorithm: 'ec-p256' })), chainPem: [ca.certificatePem] });
  const pages = new PageTextRepository();
  const layout = new SignatureLayoutService(pages);
  let dir: string;

  function pem(credential: { certificatePem: string; privateKeyPem: string }) {
    return { certificatePem: credential.certificatePem, privateKeyPem: credential.privateKeyPem };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-layout-'));
  });

  afterAll(() => {
    pages.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signBoth(name: string, pdf: Buffer, options: { layout?: SignatureLayoutService; original?: string } = {}): Promise<Buffer> {
    const placer = options.layout ?? layout;
    const draft = join(dir, `${name}.pdf`);
    writeFileSync(draft, pdf);
    const personAppearance = await placer.person(draft, { kind: 'person', competence: 'TM. ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', fullName: 'Ngô Thanh Thảo' }, options.original);
    await signPdfFile(draft, join(dir, `${name}-person.pdf`), { identity: person, appearance: personAppearance, fieldName: 'NguoiKy', durable: false });
    const orgAppearance = await placer.organisation(join(dir, `${name}-person.pdf`), { kind: 'organisation', numberNotation: '15/UBND-VP', issuedDate: 'Hai Bà Trưng, ngày 04 tháng 12 năm 2026', orgName: org.orgName }, options.original);
    await signPdfFile(join(dir, `${name}-person.pdf`), join(dir, `${name}-issued.pdf`), { identity: seal, appearance: orgAppearance, fieldName: 'CoQuan', durable: false });
    return readFileSync(join(dir, `${name}-issued.pdf`));
  }

  it("puts the person's signature in the gap above the printed name and the organisation's block where it covers no text", async () => {
    const issued = await signBoth('letter', await letter());
    const words = wordBoxes(join(dir, 'letter.pdf'));
    const rects = await widgetRects(issued);
    const signature = rects.get('NguoiKy')!;
    const block = rects.get('CoQuan')!;
    // Between "CHỦ TỊCH" (baseline 314) and "Ngô Thanh Thảo" (baseline 220), over the name's column.
    expect(signature[1]).toBeGreaterThan(220 + 9);
    expect(signature[3]).toBeLessThan(314);
    expect(signature[0]).toBeLessThan(385 + 40);
    expect(signature[2]).toBeGreaterThan(385 + 40);
    for (const word of words) {
      expect({ word, signature: overlaps(word, signature) }).toEqual({ word, signature: false });
      expect({ word, block: overlaps(word, block) }).toEqual({ word, block: false });
    }
    const verdicts = execFileSync('pdfsig', ['-nocert', join(dir, 'letter-issued.pdf')], { encoding: 'utf8' });
    expect([...verdicts.matchAll(/Signature Validation: (.*)/g)].map((m) => m[1])).toEqual(['Signature is Valid.', 'Signature is Valid.']);
  });

  it("reads the page once when the person's signature was placed here: the organisation's block lands where a second reading would put it", async () => {
    const readings: string[] = [];
    const counting = new (class extends PageTextRepository {
      override page(path: string, page: number) {
        readings.push(path);
        return super.page(path, page);
      }
    })();
    const remembered = await widgetRects(await signBoth('remembered', await letter(), { layout: new SignatureLayoutService(counting), original: 'sha-of-the-draft' }));
    counting.onModuleDestroy();
    expect(readings).toEqual([join(dir, 'remembered.pdf')]);
    const readTwice = await widgetRects(await signBoth('read-twice', await letter()));
    expect(remembered.get('CoQuan')).toEqual(readTwice.get('CoQuan'));
    // Clear of the person's whole widget, and of every word of the page.
    expect(overlaps(remembered.get('CoQuan')!, remembered.get('NguoiKy')!)).toBe(false);
    for (const word of wordBoxes(join(dir, 'remembered.pdf'))) expect({ word, block: overlaps(word, remembered.get('CoQuan')!) }).toEqual({ word, block: false });
  });

  it('keeps the default place when the page prints no block for the signer', async () => {
    const draft = join(dir, 'no-block.pdf');
    writeFileSync(draft, await letter());
    const appearance = await layout.person(draft, { kind: 'person', position: 'PHÓ CHỦ TỊCH', fullName: 'Người Khác Hẳn' });
    expect(appearance).toEqual({ kind: 'person', position: 'PHÓ CHỦ TỊCH', fullName: 'Người Khác Hẳn' });
  });

  it('leaves no /NeedAppearances true in a signed form, so readers do not redraw its fields', async () => {
    const issued = await signBoth('form', await letter({ form: true }));
    const doc = await PDFDocument.load(issued, { updateMetadata: false });
    expect(doc.getForm().acroForm.dict.get(PDFName.of('NeedAppearances'))).toBe(PDFBool.False);
    // Both signatures are fields of the form, beside the text field.
    const fields = doc.getForm().acroForm.dict.lookup(PDFName.of('Fields'), PDFArray);
    expect(fields.size()).toBe(3);
    expect(doc.getForm().acroForm.dict.lookup(PDFName.of('SigFlags'), PDFNumber).asNumber()).toBe(3);
  });
});
