import {
  createIssuingCa,
  createRootCa,
  issueOrganisationCertificate,
  issueTimestampingCertificate,
  LocalTimestampAuthority,
  loadSigningIdentity,
  type IssuedCredential,
  type SigningIdentity,
} from '@edoc/pki';
import { type AuditTrust, trustFromPem } from '@edoc/audit';

export interface TestPki {
  root: IssuedCredential;
  archive: SigningIdentity;
  archivePem: string;
  /** A key the verifier does not know, certified by the same CA: a forger inside the PKI. */
  stranger: SigningIdentity;
  tsa: LocalTimestampAuthority;
  trust: AuditTrust;
}

let cached: TestPki | undefined;

/** A small PKI like the demo one (P-256 keys, so it takes milliseconds). */
export function testPki(): TestPki {
  if (cached !== undefined) return cached;
  const keyAlgorithm = 'ec-p256' as const;
  const root = createRootCa({ commonName: 'Test Root CA', keyAlgorithm });
  const issuing = createIssuingCa(root, { commonName: 'Test Issuing CA', keyAlgorithm });
  const identity = (credential: IssuedCredential) => loadSigningIdentity({ certificatePem: credential.certificatePem, privateKeyPem: credential.privateKeyPem, chainPem: [issuing.certificatePem] });
  const archive = issueOrganisationCertificate(issuing, { orgCode: '000.00.13.H26', orgName: 'Test district - Archive', keyAlgorithm });
  const stranger = issueOrganisationCertificate(issuing, { orgCode: '000.00.13.H26', orgName: 'Test district - Not the archive', keyAlgorithm });
  const tsa = issueTimestampingCertificate(issuing, { commonName: 'Test TSA', keyAlgorithm });
  cached = {
    root,
    archive: identity(archive),
    archivePem: archive.certificatePem,
    stranger: identity(stranger),
    tsa: new LocalTimestampAuthority(identity(tsa)),
    trust: trustFromPem([root.certificatePem], [archive.certificatePem]),
  };
  return cached;
}
