import forge from 'node-forge';
import { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import signpdf from '@signpdf/signpdf';
import { issuePersonCertificate } from '@edoc/pki';
import { signPdf, verifyPdf } from '@edoc/pdf-sign';
import { pdfsig, qpdfCheck } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { ORG, type TestPki, makeTestPki } from './helpers/pki-fixture';

/** Signatures made by another library (@signpdf: adbe.pkcs7.detached, node-forge PKCS#7). */
describe('a file already signed by another tool', () => {
  let pki: TestPki;
  let foreign: Buffer;

  beforeAll(async () => {
    pki = makeTestPki('rsa-2048'); // node-forge, inside @signpdf, reads RSA certificates only
    const cred = issuePersonCertificate(pki.ca, { ...ORG, fullName: 'Bùi Thị Xuân', position: 'Văn thư', keyAlgorithm: 'rsa-2048' });
    const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(cred.privateKeyPem), [forge.pki.certificateFromPem(cred.certificatePem), forge.pki.certificateFromPem(pki.ca.certificatePem)], 'pw', { algorithm: '3des' });
    const doc = await PDFDocument.load(await pdfLibDocument({ pages: 2 }));
    pdflibAddPlaceholder({ pdfDoc: doc, reason: 'test', contactInfo: '', name: 'Bùi Thị Xuân', location: 'Hà Nội' });
    const withPlaceholder = Buffer.from(await doc.save({ useObjectStreams: false }));
    foreign = await signpdf.sign(withPlaceholder, new P12Signer(Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'), { passphrase: 'pw' }));
  });

  test('verifyPdf accepts the foreign signature (adbe.pkcs7.detached)', () => {
    expect(pdfsig(foreign)[0].valid).toBe(true); // poppler's view of the input
    const [sig] = verifyPdf(foreign, { anchorsPem: pki.anchorsPem }).signatures;
    expect(sig).toMatchObject({ subFilter: 'adbe.pkcs7.detached', indication: 'TOTAL_PASSED', coversWholeFile: true });
    expect(sig.checks.find((c) => c.name === 'signing-certificate-reference')?.status).toBe('skip');
  });

  test('our signature appended after it leaves both valid', async () => {
    const both = await signPdf(foreign, { identity: pki.orgId, appearance: { kind: 'organisation', numberNotation: '5/UBND-VP', issuedDate: '03/03/2025', orgName: 'UBND quận' }, timestamp: pki.tsa });
    expect(both.subarray(0, foreign.length).equals(foreign)).toBe(true);
    expect(pdfsig(both).map((s) => s.valid)).toEqual([true, true]);
    expect(qpdfCheck(both).status).toBe(0);
    const report = verifyPdf(both, { anchorsPem: pki.anchorsPem });
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
  });
});
