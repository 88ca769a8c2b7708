import { createCrl, createIssuingCa, createRootCa, type IssuedCredential, issueOrganisationCertificate, issuePersonCertificate, issueTimestampingCertificate, type KeyAlgorithm, LocalTimestampAuthority, loadSigningIdentity, type SigningIdentity } from '@edoc/pki';

export interface TestPki {
  root: IssuedCredential;
  ca: IssuedCredential;
  /** root then issuing CA, PEM */
  anchorsPem: string[];
  chainPem: string;
  person: IssuedCredential;
  org: IssuedCredential;
  personId: SigningIdentity;
  orgId: SigningIdentity;
  tsa: LocalTimestampAuthority;
  crl: string;
}

export const ORG = { orgCode: '000.00.12.H26', orgName: 'Ủy ban nhân dân quận Hai Bà Trưng' };

/** A district PKI: root, issuing CA, a person, the organisation and a TSA (EC by default: fast to make). */
// The CAs date from 2019, so certificates issued (and documents signed) in the past have a chain.
const CA_SINCE = new Date('2019-01-01T00:00:00Z');

export function makeTestPki(keyAlgorithm: KeyAlgorithm = 'ec-p256', leafAlgorithm: KeyAlgorithm = keyAlgorithm): TestPki {
  const root = createRootCa({ commonName: 'Edoc Test Root CA', organisation: 'UBND quận Hai Bà Trưng', keyAlgorithm, now: CA_SINCE, validYears: 30 });
  const ca = createIssuingCa(root, { commonName: 'Edoc Test Issuing CA', keyAlgorithm, now: CA_SINCE, validYears: 20 });
  const person = issuePersonCertificate(ca, { ...ORG, fullName: 'Nguyễn Văn Đức', position: 'Phó Chủ tịch', keyAlgorithm: leafAlgorithm });
  const org = issueOrganisationCertificate(ca, { ...ORG, keyAlgorithm: leafAlgorithm });
  const tsaCred = issueTimestampingCertificate(ca, { commonName: 'Edoc Test TSA', orgName: ORG.orgName, keyAlgorithm: 'ec-p256' });
  const chainPem = ca.certificatePem;
  const personId = loadSigningIdentity({ certificatePem: person.certificatePem, privateKeyPem: person.privateKeyPem, chainPem: [chainPem] });
  const orgId = loadSigningIdentity({ certificatePem: org.certificatePem, privateKeyPem: org.privateKeyPem, chainPem: [chainPem] });
  const tsa = new LocalTimestampAuthority(loadSigningIdentity({ certificatePem: tsaCred.certificatePem, privateKeyPem: tsaCred.privateKeyPem, chainPem: [chainPem] }));
  return { root, ca, anchorsPem: [root.certificatePem], chainPem, person, org, personId, orgId, tsa, crl: createCrl(ca, []) };
}
