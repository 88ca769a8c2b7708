import { createHash } from 'node:crypto';
import { checkSigningCertificateReference, createIssuingCa, createRootCa, issuePersonCertificate, loadSigningIdentity, parseCertificatePem, parseSignedData, signCms, verifySignerSignature } from '@edoc/pki';
import { inDir, openssl } from './helpers/openssl';

describe('CAdES signed data', () => {
  const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
  const cred = issuePersonCertificate(ca, { orgCode: '000.00.12.H26', orgName: 'Phòng Kinh tế', fullName: 'Hoàng Anh', position: 'Chuyên viên', keyAlgorithm: 'rsa-2048' });
  const other = issuePersonCertificate(ca, { orgCode: '000.00.12.H26', orgName: 'Phòng Kinh tế', fullName: 'Hoàng Em', position: 'Chuyên viên', keyAlgorithm: 'ec-p256' });
  const identity = loadSigningIdentity({ certificatePem: cred.certificatePem, privateKeyPem: cred.privateKeyPem, chainPem: [ca.certificatePem] });
  const content = Buffer.from('nội dung được ký');

  test('a detached signature with signing-certificate-v2 that openssl verifies', () => {
    const der = signCms({ identity, contentDigest: createHash('sha256').update(content).digest() }).encode();
    const r = inDir({ 'sig.der': der, 'data.bin': content, 'root.pem': root.certificatePem }, (f) =>
      openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', f('sig.der'), '-content', f('data.bin'), '-CAfile', f('root.pem'), '-purpose', 'any', '-out', '/dev/null']),
    );
    expect(r.output).toContain('Verification successful');
    const printed = inDir({ 'sig.der': der }, (f) => openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', f('sig.der')]));
    expect(printed.output).toContain('id-smime-aa-signingCertificateV2');
    expect(printed.output).not.toContain('signingTime');
    const parsed = parseSignedData(der);
    const si = parsed.signerInfos[0];
    const cert = parseCertificatePem(cred.certificatePem);
    expect(verifySignerSignature(si, cert)).toBe(true);
    expect(checkSigningCertificateReference(si.signedAttributes, cert)).toEqual({ status: 'match', version: 2 });
    expect(checkSigningCertificateReference(si.signedAttributes, parseCertificatePem(other.certificatePem))).toMatchObject({ status: 'mismatch' });
  });

  test('a digest of the wrong length is refused', () => {
    expect(() => signCms({ identity, contentDigest: Buffer.alloc(20) })).toThrow('content digest must be a sha256 digest');
  });
});
