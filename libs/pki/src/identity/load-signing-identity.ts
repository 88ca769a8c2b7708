import { createHmac, randomBytes } from 'node:crypto';
import { type ParsedCertificate, parseCertificatesPem } from '../certificates/parse-certificate';
import { PkiError } from '../errors';
import { assertKeyMatchesCertificate, loadPrivateKey } from '../keys/private-key';
import { readPkcs12 } from './pkcs12';
import { SigningIdentity } from './signing-identity';

export type SigningIdentityInput =
  | { readonly certificatePem: string; readonly privateKeyPem: string; readonly chainPem?: readonly string[]; readonly passphrase?: string }
  | { readonly pkcs12: Buffer; readonly password: string };

const CACHE_LIMIT = 64;
// Keyed by an HMAC under a per-process secret so the cache holds no hash of a password or key.
const cacheSecret = randomBytes(32);
const cache = new Map<string, SigningIdentity>();

/**
 * Loads a certificate and its private key once; later calls with the same input return the cached
 * identity, so the key is parsed (and, for PKCS#12, decrypted) only once per process.
 */
export function loadSigningIdentity(input: SigningIdentityInput): SigningIdentity {
  const key = cacheKey(input);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const identity = 'pkcs12' in input ? fromPkcs12(input.pkcs12, input.password) : fromPem(input);
  cache.set(key, identity);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return identity;
}

function fromPem(input: { certificatePem: string; privateKeyPem: string; chainPem?: readonly string[]; passphrase?: string }): SigningIdentity {
  if (typeof input.certificatePem !== 'string' || typeof input.privateKeyPem !== 'string') {
    throw new PkiError('BAD_ARGUMENT', 'certificatePem and privateKeyPem must be PEM text');
  }
  const certs = parseCertificatesPem(input.certificatePem, 'signing certificate');
  const privateKey = loadPrivateKey(input.privateKeyPem, input.passphrase);
  const leaf = certs[0];
  assertKeyMatchesCertificate(privateKey, leaf, 'signing certificate');
  const chain = [...certs.slice(1), ...(input.chainPem ?? []).flatMap((pem) => parseCertificatesPem(pem, 'certificate chain'))];
  return new SigningIdentity(privateKey, leaf, dedupe(chain, leaf));
}

function fromPkcs12(p12: Buffer, password: string): SigningIdentity {
  if (!Buffer.isBuffer(p12)) throw new PkiError('BAD_ARGUMENT', 'pkcs12 must be a Buffer');
  const { privateKey, certificates } = readPkcs12(p12, password);
  let leaf: ParsedCertificate | undefined;
  for (const cert of certificates) {
    try {
      assertKeyMatchesCertificate(privateKey, cert);
      leaf = cert;
      break;
    } catch {
      // not this one
    }
  }
  if (!leaf) throw new PkiError('KEY_MISMATCH', 'PKCS#12: no certificate in the file matches its private key');
  return new SigningIdentity(privateKey, leaf, dedupe(certificates, leaf));
}

function dedupe(chain: ParsedCertificate[], leaf: ParsedCertificate): ParsedCertificate[] {
  const seen = new Set([leaf.sha256]);
  return chain.filter((c) => (seen.has(c.sha256) ? false : (seen.add(c.sha256), true)));
}

function cacheKey(input: SigningIdentityInput): string {
  const h = createHmac('sha256', cacheSecret);
  if ('pkcs12' in input) {
    h.update('p12\0').update(input.pkcs12).update('\0').update(String(input.password));
  } else {
    h.update('pem\0').update(String(input.certificatePem)).update('\0').update(String(input.privateKeyPem)).update('\0').update(input.passphrase ?? '');
    for (const c of input.chainPem ?? []) h.update('\0').update(c);
  }
  return h.digest('hex');
}

