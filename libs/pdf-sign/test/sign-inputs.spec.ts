import { issuePersonCertificate, loadSigningIdentity } from '@edoc/pki';
import { PdfSignError, signPdf, verifyPdf } from '@edoc/pdf-sign';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractSignatures, opensslVerify, pdfsig, qpdfCheck, run, withTempDir } from './helpers/external-tools';
import { allInputs, qpdf } from './helpers/inputs';
import { ORG, type TestPki, makeTestPki } from './helpers/pki-fixture';
import { sealImage, signatureImage } from './helpers/png';

/**
 * The issue's main promise: on every kind of well-formed input, made by tools we did not write,
 * the person's and then the organisation's signature are both valid for pdfsig, openssl and our
 * own verifier, qpdf finds the result sound, and the original bytes are untouched.
 */
describe('person then organisation signature on every kind of input', () => {
  let pki: TestPki;
  let inputs: Record<string, Buffer>;

  beforeAll(async () => {
    pki = makeTestPki('ec-p256', 'rsa-2048');
    inputs = await allInputs();
  });

  const names = [
    'pdf-lib, classic xref table',
    'pdf-lib, xref stream and object streams',
    'qpdf, object streams generated',
    'qpdf, linearised',
    'qpdf, linearised with object streams',
    'ghostscript pdfwrite',
    'hand-made hybrid-reference file',
    'file with an earlier incremental update',
    'LibreOffice letter (fixture)',
    'LibreOffice 4-page attachment (fixture)',
  ];

  test.each(names)('%s', async (name) => {
    const input = inputs[name];
    expect(qpdfCheck(input).status).toBe(0); // the input itself is well formed
    const person = await signPdf(input, {
      identity: pki.personId,
      appearance: { kind: 'person', competence: 'TM. ỦY BAN NHÂN DÂN', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn Đức', image: signatureImage() },
      timestamp: pki.tsa,
      reason: 'Phê duyệt',
      location: 'Hà Nội',
    });
    const both = await signPdf(person, {
      identity: pki.orgId,
      appearance: { kind: 'organisation', seal: sealImage(), numberNotation: '123/UBND-VP', issuedDate: 'ngày 01 tháng 5 năm 2024', orgName: 'UBND quận Hai Bà Trưng' },
      timestamp: pki.tsa,
    });

    // Incremental: each output starts with the exact bytes of its input.
    expect(person.subarray(0, input.length).equals(input)).toBe(true);
    expect(both.subarray(0, person.length).equals(person)).toBe(true);

    const poppler = pdfsig(both);
    expect(poppler).toHaveLength(2);
    for (const s of poppler) {
      expect(s.valid).toBe(true);
      expect(s.subFilter).toBe('ETSI.CAdES.detached');
    }
    expect(poppler[1].coversWholeDocument).toBe(true);

    const check = qpdfCheck(both);
    expect(check.output).not.toMatch(/WARNING/);
    expect(check.output).toContain('No syntax or stream encoding errors found');
    expect(check.status).toBe(0);

    const sigs = extractSignatures(both);
    expect(sigs).toHaveLength(2);
    for (const sig of sigs) {
      const r = opensslVerify(both, sig, pki.root.certificatePem + pki.ca.certificatePem);
      expect(r.output).toContain('Verification successful');
      expect(r.status).toBe(0);
    }

    const report = verifyPdf(both, { anchorsPem: pki.anchorsPem, crlsPem: [pki.crl] });
    expect(report.signatures.map((s) => [s.fieldName, s.indication])).toEqual([
      ['Signature1', 'TOTAL_PASSED'],
      ['Signature2', 'TOTAL_PASSED'],
    ]);
    expect(report.signatures.every((s) => s.signingTimeSource === 'timestamp')).toBe(true);
    expect(report.valid).toBe(true);
  });

  test('new objects are numbered from the trailer /Size, never reusing objects hidden in object streams', async () => {
    const input = inputs['qpdf, object streams generated'];
    // qpdf lists every object, including those inside object streams ("N/0: compressed; ...").
    const listed = withTempDir((dir) => {
      const file = join(dir, 'in.pdf');
      writeFileSync(file, input);
      return run('qpdf', ['--show-xref', file]).output;
    });
    const objects = [...listed.matchAll(/^(\d+)\/0: (compressed|uncompressed)/gm)].map((m) => ({ num: Number(m[1]), compressed: m[2] === 'compressed' }));
    expect(objects.some((o) => o.compressed)).toBe(true);
    const size = Math.max(...objects.map((o) => o.num)) + 1;
    const signed = await signPdf(input, { identity: pki.personId, appearance: { kind: 'invisible' } });
    const written = [...signed.subarray(input.length).toString('latin1').matchAll(/^(\d+) 0 obj$/gm)].map((m) => Number(m[1]));
    const fresh = written.filter((n) => n >= size);
    const rewritten = written.filter((n) => n < size);
    expect(Math.min(...fresh)).toBe(size);
    expect(fresh).toEqual(Array.from({ length: fresh.length }, (_, i) => size + i));
    // Numbers below /Size are only the existing objects the update must change (catalog or form, page).
    for (const n of rewritten) expect(objects.some((o) => o.num === n)).toBe(true);
    expect(rewritten.length).toBeLessThanOrEqual(2);
  });

  test.each(['rsa-2048', 'rsa-3072', 'ec-p256'] as const)('a %s signer key: pdfsig, openssl and verifyPdf accept the signature', async (alg) => {
    const cred = issuePersonCertificate(pki.ca, { ...ORG, fullName: 'Lê Văn Tám', position: 'Phó Chánh Văn phòng', keyAlgorithm: alg });
    const identity = loadSigningIdentity({ certificatePem: cred.certificatePem, privateKeyPem: cred.privateKeyPem, chainPem: [pki.chainPem] });
    expect(identity.keyAlgorithm).toBe(alg);
    const signed = await signPdf(inputs['pdf-lib, classic xref table'], { identity, appearance: { kind: 'person', position: 'PHÓ CHÁNH VĂN PHÒNG', fullName: 'Lê Văn Tám' }, timestamp: pki.tsa });
    expect(pdfsig(signed)[0].valid).toBe(true);
    const [sig] = extractSignatures(signed);
    expect(opensslVerify(signed, sig, pki.root.certificatePem + pki.ca.certificatePem).status).toBe(0);
    expect(verifyPdf(signed, { anchorsPem: pki.anchorsPem }).signatures[0].indication).toBe('TOTAL_PASSED');
  });

  test('an encrypted file is refused with ENCRYPTED_PDF', async () => {
    const encrypted = qpdf(inputs['pdf-lib, classic xref table'], '--encrypt', 'user', 'owner', '256', '--');
    const attempt = signPdf(encrypted, { identity: pki.personId, appearance: { kind: 'invisible' } });
    await expect(attempt).rejects.toBeInstanceOf(PdfSignError);
    await expect(attempt).rejects.toMatchObject({ code: 'ENCRYPTED_PDF', message: expect.stringContaining('encrypted') });
  });
});
