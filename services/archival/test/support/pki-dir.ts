import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, issueTimestampingCertificate } from '@edoc/pki';

/** A key store laid out as provisioning writes it (root, issuing CA, TSA, archive), with P-256 keys. */
export function writeTestPki(dir: string): { rootPem: string; archivePem: string } {
  mkdirSync(dir, { recursive: true });
  const keyAlgorithm = 'ec-p256' as const;
  const root = createRootCa({ commonName: 'Test Root CA', keyAlgorithm });
  const issuing = createIssuingCa(root, { commonName: 'Test Issuing CA', keyAlgorithm });
  const tsa = issueTimestampingCertificate(issuing, { commonName: 'Test TSA', keyAlgorithm });
  const archive = issueOrganisationCertificate(issuing, { orgCode: '000.00.13.H26', orgName: 'Test - Archive', keyAlgorithm });
  const write = (base: string, credential: { certificatePem: string; privateKeyPem: string }) => {
    writeFileSync(join(dir, `${base}.cert.pem`), credential.certificatePem);
    writeFileSync(join(dir, `${base}.key.pem`), credential.privateKeyPem, { mode: 0o600 });
  };
  write('root-ca', root);
  write('issuing-ca', issuing);
  write('tsa', tsa);
  write('archive', archive);
  return { rootPem: root.certificatePem, archivePem: archive.certificatePem };
}
