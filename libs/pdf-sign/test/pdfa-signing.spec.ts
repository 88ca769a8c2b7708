import * as fontkit from '@pdf-lib/fontkit';
import { inspectPdf, signPdf } from '@edoc/pdf-sign';
import { mutoolDigestVerdicts, pdfsig, qpdfCheck, run, withTempDir } from './helpers/external-tools';
import { fixture, transform } from './helpers/inputs';
import { sealImage, signatureImage } from './helpers/png';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

type JsonObject = { value?: Record<string, unknown>; stream?: { dict: Record<string, unknown>; data?: string } };

/** Every object of the file as qpdf reads it, streams decoded: an independent reader, not ours. */
function qpdfObjects(pdf: Buffer): Map<string, JsonObject> {
  return withTempDir((dir) => {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    const { status, output } = run('qpdf', ['--json=2', '--json-stream-data=inline', '--decode-level=generalized', file]);
    if (status !== 0) throw new Error(`qpdf --json failed: ${output}`);
    const objects = (JSON.parse(output) as { qpdf: [unknown, Record<string, JsonObject>] }).qpdf[1];
    return new Map(Object.entries(objects).map(([key, object]) => [key.replace(/^obj:/, ''), object]));
  });
}

const dictOf = (object: JsonObject | undefined): Record<string, unknown> => {
  const dict = object?.stream?.dict ?? object?.value;
  return typeof dict === 'object' && dict !== null && !Array.isArray(dict) ? dict : {};
};
const dataOf = (object: JsonObject | undefined) => Buffer.from(object?.stream?.data ?? '', 'base64');
const pdfa1 = (pdf: Buffer) => transform(pdf, (i, o) => ['gs', ['-q', '-dPDFA=1', '-dBATCH', '-dNOPAUSE', '-dPDFACompatibilityPolicy=1', '-sColorConversionStrategy=RGB', '-sDEVICE=pdfwrite', `-sOutputFile=${o}`, i]]);

/** Signs as the district does: the signer with a handwritten image, then the organisation with its seal. */
async function signedTwice(pki: TestPki, input: Buffer): Promise<Buffer> {
  const person = await signPdf(input, { identity: pki.personId, appearance: { kind: 'person', competence: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn Đức', image: signatureImage() } });
  return signPdf(person, { identity: pki.orgId, appearance: { kind: 'organisation', seal: sealImage(), numberNotation: '45/QĐ-UBND', issuedDate: '01/05/2024', orgName: 'UBND quận Hai Bà Trưng' } });
}

/** ISO 19005-1 clauses that signing touches, checked on what qpdf reads from the signed file. */
describe('a PDF/A-1b document stays PDF/A-1b when signed', () => {
  let pki: TestPki;
  let input: Buffer;
  let signed: Buffer;
  let objects: Map<string, JsonObject>;

  beforeAll(async () => {
    pki = makeTestPki();
    input = pdfa1(fixture('cong-van.pdf'));
    signed = await signedTwice(pki, input);
    objects = qpdfObjects(signed);
  });

  test('the input is PDF/A-1b, the signed file still claims it, and qpdf, poppler and MuPDF accept both signatures', () => {
    expect(inspectPdf(input).facts.pdfa).toEqual({ part: 1, conformance: 'B' });
    expect(inspectPdf(signed).facts.pdfa).toEqual({ part: 1, conformance: 'B' });
    expect(qpdfCheck(signed).status).toBe(0);
    expect(pdfsig(signed).map((signature) => signature.valid)).toEqual([true, true]);
    expect(mutoolDigestVerdicts(signed)).toEqual(['The signature is valid but there have been edits since signing.', 'The document is unchanged since signing.']);
  });

  test('6.3.5: every CID font subset signing embeds has a /CIDSet naming exactly the glyphs of its font program', () => {
    // Ghostscript's own fonts in the input map CIDs to glyphs its own way; the signatures' are checked.
    const inputObjects = qpdfObjects(input);
    const cidFonts = [...objects.entries()].filter(([ref, object]) => !inputObjects.has(ref) && dictOf(object)['/Subtype'] === '/CIDFontType2').map(([, object]) => object);
    expect(cidFonts.length).toBeGreaterThanOrEqual(2); // the signer's block and the seal's text: regular and bold
    for (const cidFont of cidFonts) {
      const descriptor = dictOf(objects.get(dictOf(cidFont)['/FontDescriptor'] as string));
      expect(descriptor['/FontName']).toMatch(/^\/[A-Z]{6}\+/); // a subset
      const glyphs = fontkit.create(dataOf(objects.get(descriptor['/FontFile2'] as string))).numGlyphs;
      const cidSet = dataOf(objects.get(descriptor['/CIDSet'] as string));
      const present = [...Array(cidSet.length * 8).keys()].filter((cid) => (cidSet[cid >> 3]! & (0x80 >> (cid & 7))) !== 0);
      expect(present).toEqual([...Array(glyphs).keys()]);
    }
  });

  test('6.4: no soft mask; the seal and the handwriting keep their shape through a 1-bit stencil /Mask', () => {
    const all = [...objects.values()].map(dictOf);
    expect(all.filter((dict) => '/SMask' in dict)).toEqual([]);
    const images = all.filter((dict) => dict['/Subtype'] === '/Image' && dict['/ImageMask'] !== true);
    expect(images).toHaveLength(2);
    for (const image of images) {
      const mask = objects.get(image['/Mask'] as string);
      expect(dictOf(mask)).toMatchObject({ '/ImageMask': true, '/BitsPerComponent': 1, '/Width': image['/Width'], '/Height': image['/Height'] });
      const bits = dataOf(mask);
      expect(bits.length).toBe(Math.ceil((image['/Width'] as number) / 8) * (image['/Height'] as number));
      // Both painted and masked-out pixels: the shape survives, neither a box nor nothing.
      expect(bits.some((byte) => byte !== 0)).toBe(true);
      expect(bits.some((byte) => byte !== 0xff)).toBe(true);
    }
  });

  test('a document that is not PDF/A keeps soft edges (/SMask), and gets a /CIDSet as well', async () => {
    const plain = qpdfObjects(await signedTwice(pki, fixture('cong-van.pdf')));
    const all = [...plain.values()].map(dictOf);
    expect(all.filter((dict) => '/SMask' in dict)).toHaveLength(2);
    expect(all.filter((dict) => '/Mask' in dict)).toEqual([]);
    const cidDescriptors = all.filter((dict) => dict['/Subtype'] === '/CIDFontType2').map((cidFont) => dictOf(plain.get(cidFont['/FontDescriptor'] as string)));
    expect(cidDescriptors.length).toBeGreaterThanOrEqual(2);
    expect(cidDescriptors.filter((descriptor) => !('/CIDSet' in descriptor))).toEqual([]);
  });
});
