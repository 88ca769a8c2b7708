import type { Directory } from '@edoc/directory';
import type { SeedUser } from '@edoc/identity';
import {
  createIssuingCa,
  createRootCa,
  IssuedCredential,
  issueOrganisationCertificate,
  issuePersonCertificate,
  issueTimestampingCertificate,
  KeyAlgorithm,
} from '@edoc/pki';
import { PkiDirectory, publishCrl } from './pki-directory';

function ensure(dir: PkiDirectory, base: string, make: () => IssuedCredential): { credential: IssuedCredential; created: boolean } {
  if (dir.has(base)) return { credential: dir.read(base, base), created: false };
  const credential = make();
  dir.write(base, credential);
  return { credential, created: true };
}

/**
 * The district's demo PKI under <data dir>/pki: a root CA, an issuing CA with its CRL, the
 * time-stamp authority, one certificate per organisation and one per signer. Only what is
 * missing is created, so a restart keeps every key.
 */
export function ensureDemoPki(dirPath: string, directory: Directory, users: SeedUser[], keyAlgorithm: KeyAlgorithm, crlUrl: string): { created: number } {
  const dir = new PkiDirectory(dirPath);
  let created = 0;
  const count = <T extends { created: boolean }>(result: T): T => {
    if (result.created) created++;
    return result;
  };
  const district = directory.list().find((org) => org.parentCode === undefined) ?? directory.list()[0];
  const root = count(ensure(dir, 'root-ca', () => createRootCa({ commonName: `${district.name} - Root CA (demo)`, organisation: district.name, keyAlgorithm }))).credential;
  const issuing = count(ensure(dir, 'issuing-ca', () => createIssuingCa(root, { commonName: `${district.name} - Issuing CA (demo)`, organisation: district.name, keyAlgorithm }))).credential;
  // A fresh CRL at every start, from the revocation register of `edoc pki revoke`: a CRL goes stale.
  publishCrl(dir, 7);
  count(ensure(dir, 'tsa', () => issueTimestampingCertificate(issuing, { commonName: `${district.name} - Time-Stamp Authority (demo)`, orgName: district.name, keyAlgorithm, crlUrl })));
  // The archive signs its audit checkpoints and export manifests with a key of its own; verifiers pin this certificate.
  count(ensure(dir, 'archive', () => issueOrganisationCertificate(issuing, { orgCode: district.code, orgName: `${district.name} - Archive (demo)`, keyAlgorithm, crlUrl })));
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
