import { createHash } from 'node:crypto';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, issuePersonCertificate, parseCertificatePem, PkiError, Pkcs11SigningKey, signCms, unloadPkcs11Libraries } from '@edoc/pki';
import { createSoftHsmToken, SOFTHSM_MODULE, type SoftHsmToken } from '@edoc/testing';
import { inDir, openssl } from './helpers/openssl';

describe('a signing key on a PKCS#11 token (SoftHSM2)', () => {
  const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
  const person = issuePersonCertificate(ca, { orgCode: '000.00.13.H26', orgName: 'UBND quận', fullName: 'Nguyễn Văn A', position: 'Chủ tịch', keyAlgorithm: 'ec-p256' });
  const seal = issueOrganisationCertificate(ca, { orgCode: '000.00.13.H26', orgName: 'UBND quận', keyAlgorithm: 'rsa-2048' });
  let token: SoftHsmToken;
  const opened: Pkcs11SigningKey[] = [];
  const open = (options: Partial<Parameters<typeof Pkcs11SigningKey.open>[0]> = {}) => {
    const key = Pkcs11SigningKey.open({ module: SOFTHSM_MODULE, tokenLabel: token.label, pin: token.pin, keyLabel: 'person', certificate: parseCertificatePem(person.certificatePem), chain: [parseCertificatePem(ca.certificatePem)], ...options });
    opened.push(key);
    return key;
  };
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error instanceof PkiError ? `${error.code}: ${error.message}` : `other: ${(error as Error).message}`;
    }
    return 'opened';
  };

  beforeAll(() => {
    token = createSoftHsmToken();
    token.importKey(person.privateKeyPem, 'person', '01');
    token.importKey(seal.privateKeyPem, 'seal', '02');
  });

  // Logging in belongs to the process and the token: every test starts with no session open.
  afterEach(() => {
    for (const key of opened.splice(0)) key.close();
  });

  afterAll(() => {
    unloadPkcs11Libraries();
    token?.remove();
  });

  test.each([
    ['an ECDSA P-256 person key', 'person', () => person],
    ['an RSA-2048 organisation key', 'seal', () => seal],
  ])('%s signs CMS that openssl verifies, the key never leaving the token', (_name, keyLabel, credential) => {
    const key = open({ keyLabel, certificate: parseCertificatePem(credential().certificatePem) });
    const content = Buffer.from('Quyết định số 05/QĐ-UBND');
    const der = signCms({ identity: key, contentDigest: createHash('sha256').update(content).digest() }).encode();
    const verified = inDir({ 'sig.der': der, 'data.bin': content, 'root.pem': root.certificatePem }, (f) =>
      openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', f('sig.der'), '-content', f('data.bin'), '-CAfile', f('root.pem'), '-purpose', 'any', '-out', '/dev/null']),
    );
    expect(verified.output).toContain('Verification successful');
  });

  test('refuses a wrong PIN, an unknown token or key, and a key that is not the certificate\u2019s, each with its reason', () => {
    expect(refusal(() => open({ pin: '000000' }))).toMatch(/^PIN_INCORRECT: .*the token refused the PIN/);
    expect(refusal(() => open({ tokenLabel: 'no-such-token' }))).toMatch(/^TOKEN_ABSENT: .*no token labelled "no-such-token"/);
    expect(refusal(() => open({ keyLabel: 'nobody' }))).toMatch(/^KEY_NOT_FOUND: .*no private key "nobody"/);
    expect(refusal(() => open({ keyLabel: 'seal' }))).toMatch(/^KEY_MISMATCH: the key "seal" .* is RSA, the certificate's is EC/);
    // The same kind of key, but another person's certificate: caught by signing a challenge.
    const other = issuePersonCertificate(ca, { orgCode: '000.00.13.H26', orgName: 'UBND quận', fullName: 'Trần Thị B', position: 'Phó Chủ tịch', keyAlgorithm: 'ec-p256' });
    expect(refusal(() => open({ certificate: parseCertificatePem(other.certificatePem) }))).toMatch(/^KEY_MISMATCH: the key "person" .* does not belong to the certificate .*Trần Thị B/);
    expect(refusal(() => open({ module: '/nonexistent/libpkcs11.so' }))).toMatch(/^TOKEN_ABSENT: cannot load the PKCS#11 library/);
  });

  test('finds, without a label, the key that belongs to the certificate, and refuses a certificate none of its keys belongs to', () => {
    const key = open({ keyLabel: undefined, certificate: parseCertificatePem(seal.certificatePem) });
    const content = createHash('sha256').update('Tờ trình').digest();
    const der = signCms({ identity: key, contentDigest: content }).encode();
    expect(der.length).toBeGreaterThan(0);
    const stranger = issuePersonCertificate(ca, { orgCode: '000.00.13.H26', orgName: 'UBND quận', fullName: 'Người Lạ', position: 'Phó Chủ tịch', keyAlgorithm: 'ec-p256' });
    expect(refusal(() => open({ keyLabel: undefined, certificate: parseCertificatePem(stranger.certificatePem) }))).toMatch(/^KEY_MISMATCH: no key on the token belongs to the certificate .*Người Lạ \(2 private key\(s\) tried\)/);
  });
});
