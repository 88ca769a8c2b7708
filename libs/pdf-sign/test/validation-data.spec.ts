import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrl, issueOcspSigningCertificate, loadSigningIdentity, OcspResponder, parseCertificatePem, parseCrlsPem, type RevokedEntry } from '@edoc/pki';
import { addValidationData, addValidationDataFile, signPdf, timestampPdf, verifyPdf } from '@edoc/pdf-sign';
import { pdfsig, qpdfCheck } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { ORG, type TestPki, makeTestPki } from './helpers/pki-fixture';

/** PAdES B-LT: the document carries what its signatures need to validate with no CRL given and no network. */
describe('validation data in the document security store (/DSS)', () => {
  let pki: TestPki;
  let signed: Buffer;
  const der = (pem: string) => parseCertificatePem(pem).der;
  const crlDer = (pem: string) => parseCrlsPem(pem, 'CRL')[0].der;
  /** Offline: the root alone, no CRL given, and a signature whose revocation is unknown does not pass. */
  const offline = () => ({ anchorsPem: pki.anchorsPem, requireRevocation: true });
  /** The issuing CA's certificate, its CRL and the root's (which says whether the issuing CA itself is revoked). */
  const chainData = (issuingCrl: string = pki.crl) => ({ certificates: [der(pki.ca.certificatePem)], crls: [crlDer(issuingCrl), crlDer(createCrl(pki.root, []))] });

  beforeAll(async () => {
    pki = makeTestPki();
    const byPerson = await signPdf(await pdfLibDocument({ objectStreams: false, pages: 1 }), { identity: pki.personId, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn Đức' }, timestamp: pki.tsa });
    signed = await signPdf(byPerson, { identity: pki.orgId, appearance: { kind: 'organisation', numberNotation: '7/UBND-VP', issuedDate: '04/12/2026', orgName: ORG.orgName }, timestamp: pki.tsa });
  });

  test('without it, a verifier that must know revocation and is given no CRL cannot decide (TRY_LATER)', () => {
    const report = verifyPdf(signed, offline());
    expect(report.signatures.map((s) => [s.indication, s.subIndication])).toEqual([
      ['INDETERMINATE', 'TRY_LATER'],
      ['INDETERMINATE', 'TRY_LATER'],
    ]);
  });

  test('with the issuing CA and its CRL in /DSS, both signatures pass offline and the earlier revisions stay intact', () => {
    const withDss = addValidationData(signed, chainData());
    expect(withDss.subarray(0, signed.length).equals(signed)).toBe(true);
    const report = verifyPdf(withDss, offline());
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(report.signatures[1].checks.find((c) => c.name === 'later-revisions')?.detail).toContain('form or security data updated');
    expect(qpdfCheck(withDss).status).toBe(0);
    expect(pdfsig(withDss).map((s) => s.valid)).toEqual([true, true]);
  });

  test('what the store holds is not added twice; a newer CRL joins the same store, and a document time-stamp over it all (B-LTA) verifies', async () => {
    const data = chainData();
    const once = addValidationData(signed, data);
    expect(addValidationData(once, data)).toBe(once);

    const newer = createCrl(pki.ca, [], { thisUpdate: new Date(Date.now() + 1000) });
    const twice = addValidationData(once, { crls: [crlDer(newer)] });
    expect(twice.length).toBeGreaterThan(once.length);
    expect((twice.toString('latin1').match(/\/CRLs \[/g) ?? []).length).toBe(2); // one store, rewritten in the update

    const archived = (await timestampPdf(twice, { timestamp: pki.tsa })).pdf;
    const report = verifyPdf(archived, offline());
    expect(report.signatures.map((s) => [s.kind, s.indication])).toEqual([
      ['signature', 'TOTAL_PASSED'],
      ['signature', 'TOTAL_PASSED'],
      ['document-timestamp', 'TOTAL_PASSED'],
    ]);
    expect(qpdfCheck(archived).status).toBe(0);
  });

  test('a signer revoked before signing, according to the CRL in /DSS, fails offline (REVOKED)', () => {
    const serial = parseCertificatePem(pki.person.certificatePem).serialHex;
    const revoked = createCrl(pki.ca, [{ serialHex: serial, revokedAt: new Date('2020-01-01T00:00:00Z'), reason: 'keyCompromise' }]);
    const report = verifyPdf(addValidationData(signed, chainData(revoked)), offline());
    expect(report.signatures.map((s) => [s.indication, s.subIndication])).toEqual([
      ['TOTAL_FAILED', 'REVOKED'],
      ['TOTAL_PASSED', undefined],
    ]);
  });

  test('file to file: the same bytes as in memory, and a refused input leaves no output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edoc-dss-'));
    try {
      writeFileSync(join(dir, 'in.pdf'), signed);
      const data = chainData();
      const { bytesWritten } = addValidationDataFile(join(dir, 'in.pdf'), join(dir, 'out.pdf'), data);
      const written = readFileSync(join(dir, 'out.pdf'));
      expect(bytesWritten).toBe(written.length);
      expect(verifyPdf(written, offline()).valid).toBe(true);
      writeFileSync(join(dir, 'bad.pdf'), 'not a PDF at all');
      expect(() => addValidationDataFile(join(dir, 'bad.pdf'), join(dir, 'bad-out.pdf'), data)).toThrow();
      expect(() => readFileSync(join(dir, 'bad-out.pdf'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('OCSP answers in /DSS, with no CRL of the issuing CA', () => {
    const responderCred = () => issueOcspSigningCertificate(pki.ca, { commonName: 'OCSP responder (test)', keyAlgorithm: 'ec-p256' });
    const issuer = () => parseCertificatePem(pki.ca.certificatePem);
    const answers = (revoked: RevokedEntry[]) => {
      const cred = responderCred();
      const responder = new OcspResponder({ issuer: issuer(), signer: loadSigningIdentity({ certificatePem: cred.certificatePem, privateKeyPem: cred.privateKeyPem }), revoked: () => revoked });
      // One answer about both signers, as the signing service makes it.
      return [responder.answerFor([pki.person, pki.org].map((c) => parseCertificatePem(c.certificatePem)))];
    };
    // The root's CRL still says whether the issuing CA is revoked: OCSP here answers for the signers.
    const ocspOnly = (revoked: RevokedEntry[]) => ({ certificates: [der(pki.ca.certificatePem)], crls: [crlDer(createCrl(pki.root, []))], ocspResponses: answers(revoked) });
    const revocationChecks = (pdf: Buffer) => verifyPdf(pdf, offline()).signatures.map((s) => [s.indication, s.checks.find((c) => c.name === 'revocation')?.detail]);

    test('both signatures pass offline on the responder\'s word', () => {
      const checks = revocationChecks(addValidationData(signed, ocspOnly([])));
      expect(checks.map(([indication]) => indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
      expect(checks.map(([, detail]) => detail)).toEqual([expect.stringContaining('good by the OCSP answer of'), expect.stringContaining('good by the OCSP answer of')]);
    });

    test('a signer revoked before signing fails; one revoked after the time-stamp still passes at the signing time', () => {
      const person = parseCertificatePem(pki.person.certificatePem).serialHex;
      const before = revocationChecks(addValidationData(signed, ocspOnly([{ serialHex: person, revokedAt: new Date('2020-01-01T00:00:00Z'), reason: 'keyCompromise' }])));
      expect(before[0]).toEqual(['TOTAL_FAILED', expect.stringContaining('was revoked at 2020-01-01T00:00:00.000Z (keyCompromise), before the signing time')]);
      const after = revocationChecks(addValidationData(signed, ocspOnly([{ serialHex: person, revokedAt: new Date(Date.now() + 60_000), reason: 'keyCompromise' }])));
      expect(after[0]).toEqual(['TOTAL_PASSED', expect.stringContaining(', after the time-stamp')]);
    });

    test('an answer from a certificate the CA did not authorise for OCSP is not believed', () => {
      const impostor = new OcspResponder({ issuer: issuer(), signer: pki.orgId, revoked: () => [] });
      const data = { ...ocspOnly([]), ocspResponses: [impostor.answerFor([pki.person, pki.org].map((c) => parseCertificatePem(c.certificatePem)))] };
      const checks = revocationChecks(addValidationData(signed, data));
      expect(checks[0]).toEqual(['INDETERMINATE', expect.stringContaining('not authorised to sign OCSP responses')]);
    });
  });
});
