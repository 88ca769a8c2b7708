import { type KeyObject, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { PkiError } from '../errors';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { signData, signatureAlgorithmFor, verifySignature } from './key-algorithm';

/** Reads a PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted PKCS#8 with a passphrase). */
export function loadPrivateKey(pem: string, passphrase?: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new PkiError('BAD_KEY', 'private key: no "-----BEGIN ... PRIVATE KEY-----" block found');
  }
  try {
    return createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    // node's messages name the OpenSSL failure only; they never echo the key or passphrase.
    const hint = /ENCRYPT|PASSPHRASE|BAD_DECRYPT/i.test(`${code} ${(e as Error).message}`) ? ' (encrypted key: wrong or missing passphrase?)' : '';
    throw new PkiError('BAD_KEY', `cannot read private key${hint}: ${(e as Error).message}`);
  }
}

/** Refuses a key that does not belong to the certificate, before anything is signed with it. */
export function assertKeyMatchesCertificate(privateKey: KeyObject, cert: ParsedCertificate, what = 'certificate'): void {
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (derived.equals(cert.spki)) return;
  // Same key, different encoding of the parameters (some CAs spell out the EC curve): prove it.
  const probe = randomBytes(32);
  let matches = false;
  try {
    const alg = signatureAlgorithmFor(privateKey);
    const sig = signData(privateKey, alg, probe);
    matches = verifySignature(cert.publicKey, { hash: alg.hash, scheme: alg.keyType === 'ec' ? 'ecdsa' : 'pkcs1' }, probe, sig);
  } catch {
    matches = false;
  }
  if (!matches) {
    throw new PkiError('KEY_MISMATCH', `the private key does not match the public key of the ${what} (serial ${cert.serialHex})`);
  }
}

export function exportPrivateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
