import { createCrl, issuePersonCertificate, loadSigningIdentity, parseCertificatePem, parseSignedData } from '@edoc/pki';
import { exitCodeFor, signPdf, verifyPdf } from '@edoc/pdf-sign';
import { pdfsig } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { ORG, type TestPki, makeTestPki } from './helpers/pki-fixture';
import { appendUpdate, lastDefinition } from './helpers/tamper';

/** Every tampering the issue names yields the right ETSI indication, and exit code. */
describe('verification of tampered and problematic signatures', () => {
  let pki: TestPki;
  let input: Buffer;
  let signed: Buffer;
  const trust = () => ({ anchorsPem: pki.anchorsPem, crlsPem: [pki.crl] });

  beforeAll(async () => {
    pki = makeTestPki();
    input = await pdfLibDocument({ objectStreams: false, pages: 2 });
    signed = await signPdf(input, { identity: pki.personId, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn Đức' }, timestamp: pki.tsa });
  });

  test('an untouched signature passes (exit 0)', () => {
    const report = verifyPdf(signed, trust());
    expect(report.signatures[0].indication).toBe('TOTAL_PASSED');
    expect(report.signatures[0].checks.find((c) => c.name === 'timestamp')?.status).toBe('pass');
    expect(report.signatures[0].signer?.orgCode).toBe(ORG.orgCode);
    expect(report.signatures[0].signer?.position).toBe('Phó Chủ tịch');
    expect(exitCodeFor(report)).toBe(0);
  });

  test('one byte changed inside a signed range: TOTAL_FAILED / HASH_FAILURE (exit 1)', () => {
    const tampered = Buffer.from(signed);
    // The creation date in the document information: inside the first signed range.
    const at = tampered.indexOf('/CreationDate (D:') + '/CreationDate (D:'.length;
    expect(at).toBeGreaterThan(20);
    tampered[at] = tampered[at] === 0x31 ? 0x32 : 0x31;
    const report = verifyPdf(tampered, trust());
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
    expect(exitCodeFor(report)).toBe(1);
    expect(pdfsig(tampered)[0].valid).toBe(false); // poppler agrees
  });

  test('a changed signature value: TOTAL_FAILED / SIG_CRYPTO_FAILURE', () => {
    const cms = parseSignedData(Buffer.from(/\/Contents\s*<([0-9a-f]+)>/.exec(signed.toString('latin1'))?.[1] as string, 'hex'));
    const hex = cms.signerInfos[0].signature.toString('hex');
    const at = signed.indexOf(hex, 0, 'latin1');
    const tampered = Buffer.from(signed);
    const middle = at + Math.floor(hex.length / 2);
    tampered[middle] = tampered[middle] === 0x30 ? 0x31 : 0x30;
    const report = verifyPdf(tampered, trust());
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE' });
    expect(pdfsig(tampered)[0].valid).toBe(false);
  });

  test('an unsigned later revision that edits the page content: TOTAL_FAILED / FORMAT_FAILURE', () => {
    const text = signed.toString('latin1');
    const contentNum = Number(/\/Contents \[ (\d+) 0 R/.exec(text)?.[1]);
    expect(contentNum).toBeGreaterThan(0);
    const forged = 'BT /F1 14 Tf 72 760 Td (Page 1: a forged sentence) Tj ET';
    const tampered = appendUpdate(signed, [{ num: contentNum, body: `<< /Length ${forged.length} >>\nstream\n${forged}\nendstream` }]);
    const report = verifyPdf(tampered, trust());
    const sig = report.signatures[0];
    expect(sig).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', coversWholeFile: false });
    expect(sig.checks.find((c) => c.name === 'later-revisions')?.detail).toContain(`object ${contentNum}`);
    expect(exitCodeFor(report)).toBe(1);
    // pdfsig only notices that the signature does not cover the whole file.
    expect(pdfsig(tampered)[0]).toMatchObject({ valid: true, coversWholeDocument: false });
  });

  test('an unsigned later revision that only adds an annotation keeps the signature valid', () => {
    const text = signed.toString('latin1');
    const pageNum = Number([...text.matchAll(/(\d+) 0 obj\n<<\/Type \/Page\//g)].pop()?.[1]);
    expect(pageNum).toBeGreaterThan(0);
    const page = lastDefinition(signed, pageNum);
    const size = Math.max(...[...text.matchAll(/\/Size (\d+)/g)].map((m) => Number(m[1])));
    const withNote = page.replace('/Annots [', `/Annots [${size} 0 R `);
    expect(withNote).not.toBe(page);
    const tampered = appendUpdate(signed, [
      { num: size, body: `<< /Type /Annot /Subtype /Text /Rect [72 600 92 620] /Contents (Đã xem) /P ${pageNum} 0 R >>` },
      { num: pageNum, body: withNote },
    ]);
    const report = verifyPdf(tampered, trust());
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL_PASSED', coversWholeFile: false });
    expect(report.signatures[0].checks.find((c) => c.name === 'later-revisions')?.detail).toContain('annotations added');
  });

  test('a signer revoked before signing: TOTAL_FAILED / REVOKED', async () => {
    const serial = parseCertificatePem(pki.person.certificatePem).serialHex;
    const crl = createCrl(pki.ca, [{ serialHex: serial, revokedAt: new Date(Date.now() - 3600_000), reason: 'keyCompromise' }]);
    const report = verifyPdf(signed, { anchorsPem: pki.anchorsPem, crlsPem: [crl] });
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
    expect(report.signatures[0].checks.find((c) => c.name === 'revocation')?.detail).toContain('keyCompromise');
  });

  test('a signer revoked after the time-stamp still passes; without a time-stamp it is INDETERMINATE / REVOKED_NO_POE', async () => {
    const serial = parseCertificatePem(pki.person.certificatePem).serialHex;
    const later = new Date(Date.now() + 60_000);
    const crl = createCrl(pki.ca, [{ serialHex: serial, revokedAt: later }], { thisUpdate: later });
    expect(verifyPdf(signed, { anchorsPem: pki.anchorsPem, crlsPem: [crl] }).signatures[0].indication).toBe('TOTAL_PASSED');
    const bb = await signPdf(input, { identity: pki.personId, appearance: { kind: 'invisible' } });
    const report = verifyPdf(bb, { anchorsPem: pki.anchorsPem, crlsPem: [crl] });
    expect(report.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
    expect(exitCodeFor(report)).toBe(2);
  });

  test('a certificate expired at the signing time: TOTAL_FAILED / EXPIRED', async () => {
    const old = issuePersonCertificate(pki.ca, { ...ORG, fullName: 'Trần Thị Hoa', position: 'Trưởng phòng', keyAlgorithm: 'ec-p256', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    const identity = loadSigningIdentity({ certificatePem: old.certificatePem, privateKeyPem: old.privateKeyPem, chainPem: [pki.chainPem] });
    const expired = await signPdf(input, { identity, appearance: { kind: 'invisible' }, timestamp: pki.tsa });
    const report = verifyPdf(expired, trust());
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'EXPIRED', signingTimeSource: 'timestamp' });
    expect(exitCodeFor(report)).toBe(1);
    // Claimed (not proven) signing time inside the validity, certificate expired now: no proof of existence.
    const backdated = await signPdf(input, { identity, appearance: { kind: 'invisible' }, signingTime: new Date('2020-06-01T00:00:00Z') });
    expect(verifyPdf(backdated, trust()).signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' });
  });

  test('a chain to an anchor we do not trust: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND (exit 2)', () => {
    const other = makeTestPki();
    const report = verifyPdf(signed, { anchorsPem: other.anchorsPem });
    expect(report.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    expect(exitCodeFor(report)).toBe(2);
  });

  test('a PDF without signatures is not valid (exit 2)', () => {
    const report = verifyPdf(input, trust());
    expect(report).toMatchObject({ signatures: [], valid: false });
    expect(exitCodeFor(report)).toBe(2);
  });

  test('a missing CRL is reported as not checked, or INDETERMINATE / TRY_LATER when revocation is required', () => {
    const lax = verifyPdf(signed, { anchorsPem: pki.anchorsPem });
    expect(lax.signatures[0].indication).toBe('TOTAL_PASSED');
    expect(lax.signatures[0].checks.find((c) => c.name === 'revocation')?.status).toBe('skip');
    const strict = verifyPdf(signed, { anchorsPem: pki.anchorsPem, requireRevocation: true });
    expect(strict.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
  });
});
