import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';

/**
 * Who holds secrets: each service, the operators' tools ("operator"), and the issuing CA ("ca",
 * read by provisioning and `edoc pki` only). The root CA's key is none of theirs: it lives in
 * <data dir>/offline-ca, meant to leave the machine.
 */
export type SecretOwner = 'intake' | 'signing' | 'routing' | 'archival' | 'metrics' | 'identity' | 'gateway' | 'operator' | 'ca';

/**
 * The one folder of secrets a service reads (EDOC_SECRETS_DIR, else <data dir>/secrets/<owner>):
 * its broker password, its private keys. Each service's folder can be a volume or a Kubernetes
 * Secret of its own, so that no service can read another's keys.
 */
export function secretsDirOf(config: Pick<EdocConfig, 'dataDir'>, owner: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.EDOC_SECRETS_DIR !== undefined && env.EDOC_SECRETS_DIR !== '' ? env.EDOC_SECRETS_DIR : join(config.dataDir, 'secrets', owner);
}

/** The private key of a credential of the district PKI (its certificate is <pki dir>/<base>.cert.pem) in a secrets folder. */
export function privateKeyFileIn(secretsDir: string, base: string): string {
  return join(secretsDir, 'keys', `${base}.key.pem`);
}

/**
 * Whose secrets folder holds the private key of each credential of the district PKI: the
 * organisations' and signers' keys and the time-stamp authority's sign documents (signing), and an
 * organisation's key signs the edXML packages the axis gateway sends in its name (gateway); the
 * archive's key seals the audit checkpoints and archival stamps them with the TSA's; the issuing
 * CA's key only issues certificates and CRLs.
 */
export function keyHoldersOf(base: string): SecretOwner[] {
  if (base === 'tsa') return ['signing', 'archival'];
  if (base === 'archive') return ['archival'];
  // The issuing CA's delegated OCSP responder answers from the signing service.
  if (base === 'ocsp') return ['signing'];
  if (base === 'issuing-ca') return ['ca'];
  if (base.startsWith('orgs/')) return ['signing', 'gateway'];
  if (base.startsWith('people/')) return ['signing'];
  return [];
}
