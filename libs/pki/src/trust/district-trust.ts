import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkiError } from '../errors';
import type { TrustedRoot } from './trusted-roots';

/** What a verification trusts: anchors and the CRLs it may consult, as PEM. */
export interface TrustMaterial {
  readonly anchorsPem: string[];
  readonly crlsPem: string[];
}

/**
 * The district's own root CA (edoc issues every certificate it signs with from it), the roots an
 * operator configured besides, and the district's latest CRLs (the issuing CA's, and the root's
 * when published). Read at each call: a revocation re-publishes the CRL while the services run.
 */
export function districtTrust(pkiDir: string, configuredRoots: readonly TrustedRoot[]): TrustMaterial {
  const rootFile = join(pkiDir, 'root-ca.cert.pem');
  if (!existsSync(rootFile)) throw new PkiError('BAD_ARGUMENT', `the district's root CA certificate ${rootFile} is missing: run \`edoc provision\` first`);
  const crlFiles = ['issuing-ca.crl.pem', 'root-ca.crl.pem'].map((name) => join(pkiDir, name)).filter((file) => existsSync(file));
  return {
    anchorsPem: [readFileSync(rootFile, 'utf8'), ...configuredRoots.map((root) => root.pem)],
    crlsPem: crlFiles.map((file) => readFileSync(file, 'utf8')),
  };
}
