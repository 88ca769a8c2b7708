import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, issueTimestampingCertificate } from '@edoc/pki';

/**
 * Certificates laid out as provisioning writes them in `dir` (root, issuing CA, TSA, archive), with
 * P-256 keys; the archive's and the TSA's private keys in archival's secrets folder `secretsDir`.
 */
export function writeTestPki(dir: string, secretsDir: string): { rootPem: string; archivePem: string } {
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(secretsDir, 'keys'), { recursive: true });
  const keyAlgorithm = 'ec-p256' as const;
  const root = createRootCa({ commonName: 'Test Root CA', keyAlgorithm });
  const issuing = createIssuingCa(root, { commonName: 'Test Issuing CA', keyAlgorithm });
  const tsa = issueTimestampingCertificate(issuing, { commonName: 'Test TSA', keyAlgorithm });
  const archive = issueOrganisationCertificate(issuing, { orgCode: '000.00.13.H26', orgName: 'Test - Archive', keyAlgorithm });
  const write = (base: string, credential: { certificatePem: string; privateKeyPem: string }) => {
    writeFileSync(join(dir, `${base}.cert.pem`), credential.certificatePem);
    writeFileSync(join(secretsDir, 'keys', `${base}.key.pem`), credential.privateKeyPem, { mode: 0o600 });
  };
  writeFileSync(join(dir, 'root-ca.cert.pem'), root.certificatePem);
  writeFileSync(join(dir, 'issuing-ca.cert.pem'), issuing.certificatePem);
  write('tsa', tsa);
  write('archive', archive);
  return { rootPem: root.certificatePem, archivePem: archive.certificatePem };
}
