import type { ParsedCertificate } from '../certificates/parse-certificate';
import type { SignatureAlgorithm } from '../keys/key-algorithm';

/**
 * What signs: a certificate, its chain, and a private-key operation that may live anywhere — a key
 * in memory (SigningIdentity), a token or an HSM over PKCS#11 (Pkcs11SigningKey). The key itself is
 * never readable through it.
 */
export interface SigningKey {
  readonly certificate: ParsedCertificate;
  readonly chain: readonly ParsedCertificate[];
  /** "RSA-2048", "ECDSA P-256": for reports and logs. */
  readonly keyAlgorithm: string;
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** Upper bound of one signature value in bytes (for sizing placeholders). */
  readonly signatureSize: number;
  /** The signature of `data` (hashed with signatureAlgorithm.hash), DER-encoded for ECDSA. */
  sign(data: Buffer): Buffer;
}

export function isSigningKey(value: unknown): value is SigningKey {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SigningKey>;
  return typeof candidate.sign === 'function' && typeof candidate.certificate === 'object' && Array.isArray(candidate.chain) && typeof candidate.signatureAlgorithm === 'object';
}
