import { parseCertificatePem, Pkcs11SigningKey, unloadPkcs11Libraries } from '@edoc/pki';
import { signPdf, verifyPdf } from '@edoc/pdf-sign';
import { createSoftHsmToken, SOFTHSM_MODULE, type SoftHsmToken } from '@edoc/testing';
import { extractSignatures, opensslVerify, pdfsig, qpdfCheck } from './helpers/external-tools';
import { makeTestPki } from './helpers/pki-fixture';
import { pdfLibDocument } from './helpers/inputs';

describe('a PDF signed with keys on a PKCS#11 token (SoftHSM2): the person, then the organisation', () => {
  const pki = makeTestPki('ec-p256', 'rsa-2048');
  let token: SoftHsmToken;
  const keys: Pkcs11SigningKey[] = [];

  beforeAll(() => {
    token = createSoftHsmToken('edoc-pdf');
    token.importKey(pki.person.privateKeyPem, 'person', '01');
    token.importKey(pki.org.privateKeyPem, 'seal', '02');
  });

  afterAll(() => {
    for (const key of keys) key.close();
    unloadPkcs11Libraries();
    token?.remove();
  });

  it('gives a file pdfsig, qpdf and openssl accept, and our verifier passes', async () => {
    const open = (keyLabel: string, certificatePem: string) => {
      const key = Pkcs11SigningKey.open({ module: SOFTHSM_MODULE, tokenLabel: token.label, pin: token.pin, keyLabel, certificate: parseCertificatePem(certificatePem), chain: [parseCertificatePem(pki.chainPem)] });
      keys.push(key);
      return key;
    };
    const person = await signPdf(await pdfLibDocument(), { identity: open('person', pki.person.certificatePem), appearance: { kind: 'invisible' }, fieldName: 'NguoiKy' });
    const issued = await signPdf(person, { identity: open('seal', pki.org.certificatePem), appearance: { kind: 'invisible' }, fieldName: 'CoQuan' });
    expect(pdfsig(issued).map((s) => s.valid)).toEqual([true, true]);
    expect(qpdfCheck(issued).status).toBe(0);
    for (const signature of extractSignatures(issued)) expect(opensslVerify(issued, signature, pki.root.certificatePem).output).toContain('Verification successful');
    const report = verifyPdf(issued, { anchorsPem: pki.anchorsPem });
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
  });
});
