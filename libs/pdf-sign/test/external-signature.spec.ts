import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPrivateKey, parseCertificatePem } from '@edoc/pki';
import { completeExternalSignatureFile, PdfSignError, prepareExternalSignatureFile, verifyPdf } from '@edoc/pdf-sign';
import { extractSignatures, opensslVerify, pdfsig, qpdfCheck } from './helpers/external-tools';
import { pdfLibDocument } from './helpers/inputs';
import { makeTestPki } from './helpers/pki-fixture';

/**
 * Signing in two phases with a key edoc never holds (the signer's USB token): edoc prepares the
 * field and the signed attributes, the token signs them, edoc checks the signature against the
 * signer's certificate and embeds it. The token is played here by node:crypto with the key.
 */
describe('external signing: prepare, sign elsewhere, complete', () => {
  const pki = makeTestPki('ec-p256', 'rsa-2048');
  const signer = { certificate: parseCertificatePem(pki.person.certificatePem), chain: [parseCertificatePem(pki.chainPem)] };
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-external-'));
    writeFileSync(join(dir, 'draft.pdf'), await pdfLibDocument({ pages: 2 }));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const prepare = (name: string) =>
    prepareExternalSignatureFile(join(dir, 'draft.pdf'), join(dir, name), {
      signer,
      appearance: { kind: 'person', competence: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn Đức' },
      fieldName: 'NguoiKy',
      timestamp: pki.tsa,
    });

  it('gives a PAdES B-T signature that pdfsig, qpdf, openssl cms and our verifier accept', async () => {
    const prepared = await prepare('prepared.pdf');
    expect(prepared.signatureAlgorithm.keyType).toBe('rsa');
    expect(prepared.signedAttributesDigest).toHaveLength(32);
    // What the token does: a private-key operation over the signed attributes.
    const signature = sign('sha256', prepared.signedAttributes, loadPrivateKey(pki.person.privateKeyPem));
    await completeExternalSignatureFile(join(dir, 'prepared.pdf'), join(dir, 'signed.pdf'), { signer, signedAttributes: prepared.signedAttributes, signature, timestamp: pki.tsa });

    const signed = readFileSync(join(dir, 'signed.pdf'));
    expect(pdfsig(signed).map((s) => s.valid)).toEqual([true]);
    expect(qpdfCheck(signed).status).toBe(0);
    for (const part of extractSignatures(signed)) expect(opensslVerify(signed, part, pki.root.certificatePem).output).toContain('Verification successful');
    const report = verifyPdf(signed, { anchorsPem: pki.anchorsPem });
    expect(report.signatures.map((s) => [s.indication, s.signingTimeSource])).toEqual([['TOTAL_PASSED', 'timestamp']]);
  });

  it("refuses a signature made with another key, or over other data, and a prepared file changed since", async () => {
    const prepared = await prepare('prepared-2.pdf');
    const complete = (signature: Buffer, from = 'prepared-2.pdf') =>
      completeExternalSignatureFile(join(dir, from), join(dir, 'never.pdf'), { signer, signedAttributes: prepared.signedAttributes, signature }).then(
        () => 'completed',
        (error: PdfSignError) => `${error.code}: ${error.message}`,
      );
    expect(await complete(sign('sha256', prepared.signedAttributes, loadPrivateKey(pki.org.privateKeyPem)))).toMatch(/^SIGNATURE_MISMATCH: the signature does not verify with the signer's certificate/);
    expect(await complete(sign('sha256', Buffer.from('something else'), loadPrivateKey(pki.person.privateKeyPem)))).toMatch(/^SIGNATURE_MISMATCH/);
    const changed = readFileSync(join(dir, 'prepared-2.pdf'));
    changed[100] ^= 1;
    writeFileSync(join(dir, 'changed.pdf'), changed);
    expect(await complete(sign('sha256', prepared.signedAttributes, loadPrivateKey(pki.person.privateKeyPem)), 'changed.pdf')).toBe('SIGNATURE_MISMATCH: the prepared document changed since it was prepared: its signed attributes differ');
  });
});
