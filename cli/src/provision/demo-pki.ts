import type { Directory } from '@edoc/directory';
import type { SeedUser } from '@edoc/identity';
import {
  createIssuingCa,
  createRootCa,
  IssuedCredential,
  issueOrganisationCertificate,
  issuePersonCertificate,
  issueTimestampingCertificate,
  issueOcspSigningCertificate,
  KeyAlgorithm,
} from '@edoc/pki';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { keyHoldersOf, privateKeyFileIn } from '@edoc/runtime';
import { keyFilesUnder } from './key-files';
import { writePublicFile, writeSecretFile } from './files';
import { PkiDirectory, publishCrl, publishRootCrl } from './pki-directory';

function ensure(dir: PkiDirectory, base: string, make: () => IssuedCredential): { credential: IssuedCredential; created: boolean } {
  if (dir.has(base)) return { credential: dir.read(base, base), created: false };
  const credential = make();
  dir.write(base, credential);
  return { credential, created: true };
}

/**
 * The district's demo PKI in a data folder: in <data dir>/pki the certificates (the root CA's, an
 * issuing CA's with its CRL, the time-stamp authority's, one per organisation and one per signer);
 * each private key in the secrets folder of the services that use it (`keyHoldersOf`). The root
 * CA's key is kept apart, in <data dir>/offline-ca, which services never read and which is meant to
 * go offline: it is needed only to make an issuing CA. Only what is missing is created, so a
 * restart keeps every key.
 */
export function ensureDemoPki(dataDir: string, directory: Directory, users: SeedUser[], keyAlgorithm: KeyAlgorithm, links: { crlUrl: string; ocspUrl: string }): { created: number } {
  const { crlUrl, ocspUrl } = links;
  const dir = dataFolderPki(dataDir);
  const offline = new PkiDirectory(join(dataDir, 'offline-ca'));
  let created = 0;
  const count = <T extends { created: boolean }>(result: T): T => {
    if (result.created) created++;
    return result;
  };
  const district = directory.list().find((org) => org.parentCode === undefined) ?? directory.list()[0];
  moveRootKeyOffline(dir, offline);
  moveSharedKeysToHolders(dir);
  const issuing = count(
    ensure(dir, 'issuing-ca', () => {
      const root = count(ensure(offline, 'root-ca', () => createRootCa({ commonName: `${district.name} - Root CA (demo)`, organisation: district.name, keyAlgorithm }))).credential;
      return createIssuingCa(root, { commonName: `${district.name} - Issuing CA (demo)`, organisation: district.name, keyAlgorithm });
    }),
  ).credential;
  publishRootCertificate(dir, offline);
  publishRootCrl(offline, dir, 365);
  // A fresh CRL at every start, from the revocation register of `edoc pki revoke`: a CRL goes stale.
  publishCrl(dir, 7);
  count(ensure(dir, 'tsa', () => issueTimestampingCertificate(issuing, { commonName: `${district.name} - Time-Stamp Authority (demo)`, orgName: district.name, keyAlgorithm, crlUrl, ocspUrl })));
  // The issuing CA's OCSP responder, run by the signing service: a delegated key, so the CA's own stays with the CA.
  count(ensure(dir, 'ocsp', () => issueOcspSigningCertificate(issuing, { commonName: `${district.name} - OCSP responder (demo)`, orgName: district.name, keyAlgorithm })));
  // The archive signs its audit checkpoints and export manifests with a key of its own; verifiers pin this certificate.
  count(ensure(dir, 'archive', () => issueOrganisationCertificate(issuing, { orgCode: district.code, orgName: `${district.name} - Archive (demo)`, keyAlgorithm, crlUrl, ocspUrl })));
  // An outside organ reached through the axis signs with its own CA's keys, never ours.
  for (const org of directory.list().filter((o) => o.channel !== 'axis')) {
    count(ensure(dir, `orgs/${org.code}`, () => issueOrganisationCertificate(issuing, { orgCode: org.code, orgName: org.name, keyAlgorithm, crlUrl, ocspUrl })));
  }
  for (const user of users.filter((u) => u.roles.includes('signer'))) {
    const org = directory.require(user.orgCode);
    count(
      ensure(dir, `people/${user.username}`, () =>
        issuePersonCertificate(issuing, { orgCode: org.code, orgName: org.name, fullName: user.displayName, position: user.signer?.position ?? '', keyAlgorithm, crlUrl, ocspUrl }),
      ),
    );
  }
  return { created };
}

/** The PKI of a data folder: certificates in <data dir>/pki, each key in its holders' secrets folders. */
export function dataFolderPki(dataDir: string): PkiDirectory {
  return new PkiDirectory(join(dataDir, 'pki'), (base) => keyHoldersOf(base).map((owner) => privateKeyFileIn(join(dataDir, 'secrets', owner), base)));
}

/**
 * A data folder provisioned when every key sat in the one PKI folder all services read: each key
 * is copied into the secrets folder of each service that uses it, then removed from there.
 */
export function moveSharedKeysToHolders(dir: PkiDirectory): number {
  let moved = 0;
  for (const file of keyFilesUnder(dir.dir)) {
    const base = relative(dir.dir, file).replace(/\.key\.pem$/, '').split(sep).join('/');
    if (base === 'root-ca' || keyHoldersOf(base).length === 0) continue;
    const pem = readFileSync(file, 'utf8');
    for (const target of dir.keyPaths(base)) if (!existsSync(target)) writeSecretFile(target, pem);
    rmSync(file);
    moved++;
  }
  return moved;
}

/** A data folder provisioned before the root key was kept apart: its key moves out of the services' reach. */
function moveRootKeyOffline(dir: PkiDirectory, offline: PkiDirectory): void {
  if (!existsSync(dir.path('root-ca', 'key.pem')) || offline.has('root-ca')) return;
  mkdirSync(offline.dir, { recursive: true, mode: 0o700 });
  copyFileSync(dir.path('root-ca', 'cert.pem'), offline.path('root-ca', 'cert.pem'));
  renameSync(dir.path('root-ca', 'key.pem'), offline.path('root-ca', 'key.pem'));
}

/** Services verify chains up to the root: its certificate (never its key) sits beside the rest. */
function publishRootCertificate(dir: PkiDirectory, offline: PkiDirectory): void {
  if (existsSync(dir.path('root-ca', 'cert.pem'))) return;
  if (!existsSync(offline.path('root-ca', 'cert.pem'))) throw new Error(`${dir.path('root-ca', 'cert.pem')} is missing and so is ${offline.path('root-ca', 'cert.pem')}: put the root CA's certificate back`);
  writePublicFile(dir.path('root-ca', 'cert.pem'), readFileSync(offline.path('root-ca', 'cert.pem'), 'utf8'));
}
