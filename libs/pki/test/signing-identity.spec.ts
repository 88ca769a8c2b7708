import { createIssuingCa, createRootCa, issuePersonCertificate, loadSigningIdentity, PkiError } from '@edoc/pki';
import { inDir, opensslBinary } from './helpers/openssl';

describe('loading a signing identity', () => {
  const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
  const opts = { orgCode: '000.00.12.H26', orgName: 'Phòng Y tế', fullName: 'Vũ Hải', position: 'Trưởng phòng' };
  const rsa = issuePersonCertificate(ca, { ...opts, keyAlgorithm: 'rsa-2048' });
  const ec = issuePersonCertificate(ca, { ...opts, keyAlgorithm: 'ec-p256' });

  /** A PKCS#12 file as `openssl pkcs12 -export` makes it (AES-256 + SHA-256 MAC, OpenSSL 3 defaults). */
  const p12 = (cred: { certificatePem: string; privateKeyPem: string }, password: string, legacy = false) =>
    inDir({ 'c.pem': cred.certificatePem, 'k.pem': cred.privateKeyPem, 'ca.pem': ca.certificatePem }, (f) =>
      opensslBinary(['pkcs12', '-export', '-in', f('c.pem'), '-inkey', f('k.pem'), '-certfile', f('ca.pem'), '-passout', `pass:${password}`, ...(legacy ? ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'] : [])]),
    );

  test.each([
    ['RSA 2048', rsa, 'rsa-2048'],
    ['ECDSA P-256', ec, 'ec-p256'],
  ])('%s from PEM and from PKCS#12 sign with node:crypto', (_n, cred, label) => {
    const fromPem = loadSigningIdentity({ certificatePem: cred.certificatePem, privateKeyPem: cred.privateKeyPem, chainPem: [ca.certificatePem] });
    expect(fromPem.keyAlgorithm).toBe(label);
    expect(fromPem.chain).toHaveLength(1);
    for (const legacy of [false, true]) {
      const fromP12 = loadSigningIdentity({ pkcs12: p12(cred, 'mật khẩu 123', legacy), password: 'mật khẩu 123' });
      expect(fromP12.certificate.serialHex).toBe(fromPem.certificate.serialHex);
      expect(fromP12.chain.map((c) => c.serialHex)).toEqual(fromPem.chain.map((c) => c.serialHex));
      const data = Buffer.from('văn bản');
      expect(fromP12.signatureAlgorithm).toEqual(fromPem.signatureAlgorithm);
      expect(fromP12.sign(data).length).toBeGreaterThan(60);
    }
  });

  test('the key is parsed once: the same input returns the cached identity', () => {
    const a = loadSigningIdentity({ certificatePem: ec.certificatePem, privateKeyPem: ec.privateKeyPem });
    const b = loadSigningIdentity({ certificatePem: ec.certificatePem, privateKeyPem: ec.privateKeyPem });
    expect(b).toBe(a);
    expect(JSON.stringify(a)).not.toContain('PRIVATE');
  });

  test('a wrong PKCS#12 password, a damaged file and a mismatched key are refused without leaking secrets', () => {
    const file = p12(ec, 'right');
    const attempt = () => loadSigningIdentity({ pkcs12: file, password: 'wrong-secret' });
    expect(attempt).toThrow(expect.objectContaining({ code: 'BAD_PKCS12', message: expect.stringContaining('wrong password') }));
    expect(() => attempt()).toThrow(expect.not.objectContaining({ message: expect.stringContaining('wrong-secret') }));
    expect(() => loadSigningIdentity({ pkcs12: file.subarray(0, 100), password: 'right' })).toThrow(PkiError);
    expect(() => loadSigningIdentity({ certificatePem: ec.certificatePem, privateKeyPem: rsa.privateKeyPem })).toThrow(expect.objectContaining({ code: 'KEY_MISMATCH' }));
    expect(() => loadSigningIdentity({ certificatePem: 'garbage', privateKeyPem: ec.privateKeyPem })).toThrow(/no "-----BEGIN CERTIFICATE-----" block/);
    expect(() => loadSigningIdentity({ certificatePem: ec.certificatePem, privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' })).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
  });
});
