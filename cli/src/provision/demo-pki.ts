import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Directory } from '@edoc/directory';
import type { SeedUser } from '@edoc/identity';
import {
  createCrl,
  createIssuingCa,
  createRootCa,
  IssuedCredential,
  issueOrganisationCertificate,
  issuePersonCertificate,
  issueTimestampingCertificate,
  KeyAlgorithm,
} from '@edoc/pki';
import { writePublicFile, writeSecretFile } from './files';

export interface PkiLayout {
  dir: string;
}

function read(dir: string, base: string): IssuedCredential | undefined {
  const cert = join(dir, `${base}.cert.pem`);
  const key = join(dir, `${base}.key.pem`);
  if (!existsSync(cert) || !existsSync(key)) return undefined;
  return { certificatePem: readFileSync(cert, 'utf8'), privateKeyPem: readFileSync(key, 'utf8') };
}

function write(dir: string, base: string, credential: IssuedCredential): IssuedCredential {
  writePublicFile(join(dir, `${base}.cert.pem`), credential.certificatePem);
  writeSecretFile(join(dir, `${base}.key.pem`), credential.privateKeyPem);
  return credential;
}

function ensure(dir: string, base: string, make: () => IssuedCredential): { credential: IssuedCredential; created: boolean } {
  const existing = read(dir, base);
  return existing !== undefined ? { credential: existing, created: false } : { credential: write(dir, base, make()), created: true };
}

/**
 * The district's demo PKI under <data dir>/pki: a root CA, an issuing CA with its CRL, the
 * time-stamp authority, one certificate per organisation and one per signer. Only what is
 * missing is created, so a restart keeps every key.
 */
export function ensureDemoPki(dir: string, directory: Directory, users: SeedUser[], keyAlgorithm: KeyAlgorithm, crlUrl: string): { created: number } {
  let created = 0;
  const count = <T extends { created: boolean }>(result: T): T => {
    if (result.created) created++;
    return result;
  };
  const district = directory.list().find((org) => org.parentCode === undefined) ?? directory.list()[0];
  const root = count(ensure(dir, 'root-ca', () => createRootCa({ commonName: `${district.name} - Root CA (demo)`, organisation: district.name, keyAlgorithm }))).credential;
  const issuing = count(ensure(dir, 'issuing-ca', () => createIssuingCa(root, { commonName: `${district.name} - Issuing CA (demo)`, organisation: district.name, keyAlgorithm, crlUrl }))).credential;
  if (!existsSync(join(dir, 'issuing-ca.crl.pem'))) {
    writePublicFile(join(dir, 'issuing-ca.crl.pem'), createCrl(issuing, [], { nextUpdate: new Date(Date.now() + 30 * 24 * 3600 * 1000) }));
  }
  count(ensure(dir, 'tsa', () => issueTimestampingCertificate(issuing, { commonName: `${district.name} - Time-Stamp Authority (demo)`, orgName: district.name, keyAlgorithm, crlUrl })));
  for (const org of directory.list()) {
    count(ensure(dir, `orgs/${org.code}`, () => issueOrganisationCertificate(issuing, { orgCode: org.code, orgName: org.name, keyAlgorithm, crlUrl })));
  }
  for (const user of users.filter((u) => u.roles.includes('signer'))) {
    const org = directory.require(user.orgCode);
    count(
      ensure(dir, `people/${user.username}`, () =>
        issuePersonCertificate(issuing, { orgCode: org.code, orgName: org.name, fullName: user.displayName, position: user.signer?.position ?? '', keyAlgorithm, crlUrl }),
      ),
    );
  }
  return { created };
}
