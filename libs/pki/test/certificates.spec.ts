import { OID, createIssuingCa, createRootCa, isSignedBy, issueOrganisationCertificate, issuePersonCertificate, issueTimestampingCertificate, nameAttribute, parseCertificate, parseCertificatePem, PkiError } from '@edoc/pki';
import { inDir, openssl } from './helpers/openssl';

describe('district PKI certificates', () => {
  const root = createRootCa({ commonName: 'Root CA quận Hai Bà Trưng', organisation: 'UBND quận Hai Bà Trưng', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(root, { commonName: 'CA cấp 2', keyAlgorithm: 'rsa-2048', crlUrl: 'http://pki.example/ca.crl' });
  const org = { orgCode: '000.00.12.H26', orgName: 'Phòng Nội vụ' };

  test('root, issuing CA, organisation, person and TSA certificates form a chain that openssl accepts', () => {
    const person = issuePersonCertificate(ca, { ...org, fullName: 'Phạm Thị Lan', position: 'Trưởng phòng', keyAlgorithm: 'ec-p256' });
    const orgCert = issueOrganisationCertificate(ca, { ...org, keyAlgorithm: 'rsa-2048' });
    const tsa = issueTimestampingCertificate(ca, { commonName: 'TSA', keyAlgorithm: 'ec-p256' });
    const r = inDir({ 'root.pem': root.certificatePem, 'ca.pem': ca.certificatePem, 'p.pem': person.certificatePem, 'o.pem': orgCert.certificatePem, 't.pem': tsa.certificatePem }, (f) =>
      openssl(['verify', '-x509_strict', '-CAfile', f('root.pem'), '-untrusted', f('ca.pem'), f('p.pem'), f('o.pem'), f('t.pem')]),
    );
    expect(r.output).toMatch(/p\.pem: OK[\s\S]*o\.pem: OK[\s\S]*t\.pem: OK/);
    expect(r.status).toBe(0);
    const ts = inDir({ 'root.pem': root.certificatePem, 'ca.pem': ca.certificatePem, 't.pem': tsa.certificatePem }, (f) => openssl(['verify', '-purpose', 'timestampsign', '-CAfile', f('root.pem'), '-untrusted', f('ca.pem'), f('t.pem')]));
    expect(ts.status).toBe(0);
  });

  test('the subject carries the organisation code and the person position, in UTF-8', () => {
    const person = parseCertificatePem(issuePersonCertificate(ca, { ...org, fullName: 'Phạm Thị Lan', position: 'Phó Trưởng phòng' }).certificatePem);
    expect(nameAttribute(person.subject, OID.organizationIdentifier)).toBe('000.00.12.H26');
    expect(nameAttribute(person.subject, OID.title)).toBe('Phó Trưởng phòng');
    expect(nameAttribute(person.subject, OID.commonName)).toBe('Phạm Thị Lan');
    expect(person.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    const pem = issuePersonCertificate(ca, { ...org, fullName: 'Phạm Thị Lan', position: 'Chánh Văn phòng' }).certificatePem;
    const shown = inDir({ 'p.pem': pem }, (f) => openssl(['x509', '-in', f('p.pem'), '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space']));
    expect(shown.output.trim()).toBe('subject=C=VN, O=Phòng Nội vụ, organizationIdentifier=000.00.12.H26, title=Chánh Văn phòng, CN=Phạm Thị Lan');
  });

  test('CA and TSA certificates have the constraints relying parties check', () => {
    const caCert = parseCertificatePem(ca.certificatePem);
    expect(caCert.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(caCert.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    const tsa = parseCertificatePem(issueTimestampingCertificate(ca, { commonName: 'TSA' }).certificatePem);
    expect(tsa.extKeyUsage).toEqual([OID.kpTimeStamping]);
    expect(tsa.extensions.find((e) => e.oid === OID.extKeyUsage)?.critical).toBe(true);
    const leaf = parseCertificatePem(issueOrganisationCertificate(ca, org).certificatePem);
    expect(leaf.authorityKeyId?.equals(caCert.subjectKeyId as Buffer)).toBe(true);
    expect(leaf.notAfter.getTime()).toBeLessThanOrEqual(caCert.notAfter.getTime());
    expect(leaf.extensions.some((e) => e.oid === OID.cRLDistributionPoints)).toBe(false);
    const withCrl = issueOrganisationCertificate(ca, { ...org, crlUrl: 'http://pki.example/ca.crl' }).certificatePem;
    const text = inDir({ 'o.pem': withCrl }, (f) => openssl(['x509', '-in', f('o.pem'), '-noout', '-ext', 'crlDistributionPoints']));
    expect(text.output).toContain('URI:http://pki.example/ca.crl');
    expect(caCert.extensions.some((e) => e.oid === OID.cRLDistributionPoints)).toBe(true);
  });

  test('the same bytes parse once, and a signature check between two certificates is remembered either way', () => {
    const der = parseCertificatePem(ca.certificatePem).der;
    expect(parseCertificate(Buffer.from(der))).toBe(parseCertificate(Buffer.from(der)));
    const caCert = parseCertificate(der);
    const rootCert = parseCertificatePem(root.certificatePem);
    const stranger = parseCertificatePem(createRootCa({ commonName: 'Stranger', keyAlgorithm: 'ec-p256' }).certificatePem);
    for (let i = 0; i < 2; i++) {
      expect(isSignedBy(caCert, rootCert)).toBe(true);
      expect(isSignedBy(caCert, stranger)).toBe(false);
    }
    // A changed byte is another certificate: parsed again, and its signature no longer verifies.
    const altered = Buffer.from(der);
    altered[altered.length - 10] ^= 1;
    expect(isSignedBy(parseCertificate(altered), rootCert)).toBe(false);
  });

  test('bad requests are refused by name', () => {
    expect(() => issueOrganisationCertificate(ca, { orgCode: 'H26', orgName: 'X' })).toThrow(/does not have the shape ddd\.dd\.dd\.Ldd/);
    expect(() => issuePersonCertificate(ca, { ...org, fullName: ' ', position: 'X' })).toThrow('fullName is required');
    const person = issuePersonCertificate(ca, { ...org, fullName: 'A', position: 'B' });
    expect(() => issueOrganisationCertificate(person, org)).toThrow(expect.objectContaining({ code: 'NOT_A_CA' }));
    expect(() => issueOrganisationCertificate({ certificatePem: ca.certificatePem, privateKeyPem: root.privateKeyPem }, org)).toThrow(PkiError);
    expect(() => createRootCa({ commonName: 'x', keyAlgorithm: 'dsa' as never })).toThrow(/unsupported key algorithm "dsa"/);
  });
});
