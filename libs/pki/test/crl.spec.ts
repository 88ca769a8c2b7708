import { CRL_MEMO_MAX_DER, createCrl, createIssuingCa, createRootCa, issuePersonCertificate, parseCertificatePem, parseCrl, parseCrlsPem } from '@edoc/pki';
import { inDir, openssl } from './helpers/openssl';

describe('certificate revocation lists', () => {
  const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
  const person = issuePersonCertificate(ca, { orgCode: '000.00.12.H26', orgName: 'Phòng Tư pháp', fullName: 'Đỗ Minh', position: 'Chuyên viên', keyAlgorithm: 'ec-p256' });
  const serialHex = parseCertificatePem(person.certificatePem).serialHex;

  test('a revoked certificate is on a CRL that openssl verifies and applies', () => {
    const revokedAt = new Date('2026-01-02T03:04:05Z');
    const crl = createCrl(ca, [{ serialHex, revokedAt, reason: 'keyCompromise' }], { thisUpdate: new Date(), crlNumber: 7 });
    const [parsed] = parseCrlsPem(crl);
    expect(parsed.entries.get(serialHex)).toEqual({ serialHex, revokedAt, reason: 'keyCompromise' });
    expect(parsed.isSignedBy(parseCertificatePem(ca.certificatePem))).toBe(true);
    expect(parsed.isSignedBy(parseCertificatePem(root.certificatePem))).toBe(false);
    inDir({ 'crl.pem': crl, 'root.pem': root.certificatePem, 'ca.pem': ca.certificatePem, 'p.pem': person.certificatePem, 'chain.pem': root.certificatePem + ca.certificatePem }, (f) => {
      const text = openssl(['crl', '-in', f('crl.pem'), '-CAfile', f('chain.pem'), '-noout', '-text']);
      expect(text.output).toContain('verify OK');
      expect(text.output).toMatch(/CRL Number:\s+7/);
      expect(text.output).toContain('Key Compromise');
      const check = openssl(['verify', '-crl_check', '-CRLfile', f('crl.pem'), '-CAfile', f('root.pem'), '-untrusted', f('ca.pem'), f('p.pem')]);
      expect(check.output).toContain('certificate revoked');
      expect(check.status).not.toBe(0);
    });
  });

  test('a CRL is parsed once per distinct DER, and its signature checked once per issuer, answer for answer', () => {
    const [first] = parseCrlsPem(createCrl(ca, [{ serialHex, revokedAt: new Date() }]));
    const again = parseCrl(Buffer.from(first.der));
    expect(again).toBe(first);
    const issuer = parseCertificatePem(ca.certificatePem);
    const other = parseCertificatePem(root.certificatePem);
    for (let i = 0; i < 2; i++) {
      expect(first.isSignedBy(issuer)).toBe(true);
      expect(first.isSignedBy(other)).toBe(false);
    }
    // The same CRL with one signature byte changed is another DER: its own, failing, check.
    const tampered = Buffer.from(first.der);
    tampered[tampered.length - 1] ^= 0x01;
    expect(parseCrl(tampered).isSignedBy(issuer)).toBe(false);
    expect(first.isSignedBy(issuer)).toBe(true);
  });

  test('a CRL larger than the memo takes is parsed each time, not held', () => {
    const entries = Array.from({ length: 13000 }, (_, i) => ({ serialHex: (0x100000 + i).toString(16), revokedAt: new Date('2026-01-01T00:00:00Z') }));
    const [big] = parseCrlsPem(createCrl(ca, entries));
    expect(big.der.length).toBeGreaterThan(CRL_MEMO_MAX_DER);
    expect(parseCrl(Buffer.from(big.der))).not.toBe(big);
    expect(big.entries.size).toBe(13000);
    expect(big.isSignedBy(parseCertificatePem(ca.certificatePem))).toBe(true);
  });

  test('an empty CRL lets the same certificate verify', () => {
    const crl = createCrl(ca, []);
    expect(parseCrlsPem(crl)[0].entries.size).toBe(0);
    const check = inDir({ 'crl.pem': crl, 'root.pem': root.certificatePem, 'ca.pem': ca.certificatePem, 'p.pem': person.certificatePem }, (f) =>
      openssl(['verify', '-crl_check', '-CRLfile', f('crl.pem'), '-CAfile', f('root.pem'), '-untrusted', f('ca.pem'), f('p.pem')]),
    );
    expect(check.status).toBe(0);
  });

  test('bad entries and a CA that is not a CA are refused', () => {
    expect(() => createCrl(ca, [{ serialHex: 'xyz', revokedAt: new Date() }])).toThrow('serial "xyz" is not hexadecimal');
    expect(() => createCrl(ca, [{ serialHex, revokedAt: new Date(), reason: 'lost' }])).toThrow(/unknown revocation reason "lost"/);
    expect(() => createCrl(person, [])).toThrow(expect.objectContaining({ code: 'NOT_A_CA' }));
    expect(() => parseCrlsPem('nothing')).toThrow(/no "-----BEGIN X509 CRL-----" block/);
  });
});
