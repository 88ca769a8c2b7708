import type { KeyObject } from 'node:crypto';
import type { HashName } from '../asn1/oids';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { type SignatureAlgorithm, describeKey, signData, signatureAlgorithmFor } from '../keys/key-algorithm';
import type { SigningKey } from './signing-key';

/**
 * A certificate with the private key that belongs to it. The key stays inside (a KeyObject in a
 * private field): callers can sign with it but cannot read or log it.
 */
export class SigningIdentity implements SigningKey {
  readonly #key: KeyObject;
  readonly keyAlgorithm: string;
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** Upper bound of one signature value in bytes (for sizing placeholders). */
  readonly signatureSize: number;

  constructor(
    privateKey: KeyObject,
    readonly certificate: ParsedCertificate,
    readonly chain: readonly ParsedCertificate[],
    hash: HashName = 'sha256',
  ) {
    this.#key = privateKey;
    const d = describeKey(privateKey);
    this.keyAlgorithm = d.label;
    this.signatureSize = d.signatureSize;
    this.signatureAlgorithm = signatureAlgorithmFor(privateKey, hash);
  }

  sign(data: Buffer): Buffer {
    return signData(this.#key, this.signatureAlgorithm, data);
  }

  toJSON(): { certificate: string; keyAlgorithm: string } {
    return { certificate: this.certificate.serialHex, keyAlgorithm: this.keyAlgorithm };
  }
}
