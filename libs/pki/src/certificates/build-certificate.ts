import { type KeyObject, randomBytes } from 'node:crypto';
import { type Asn1, bitString, explicit, fromDer, seq, smallInteger, toDer, unsignedInteger, x509Time } from '../asn1/build';
import { type NameAttribute, buildName } from '../asn1/name';
import { toPem } from '../asn1/pem';
import { signData, signatureAlgorithmFor, signatureAlgorithmIdentifier } from '../keys/key-algorithm';
import { type ExtensionSpec, encodeExtensions } from './extensions';

export interface CertificateSpec {
  readonly subject: readonly NameAttribute[];
  /** The issuer's subject exactly as encoded in its certificate; absent for a self-signed root. */
  readonly issuerNameDer?: Buffer;
  readonly subjectPublicKey: KeyObject;
  readonly issuerPrivateKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly ExtensionSpec[];
  readonly serial?: Buffer;
}

/** 16 random bytes, top bit cleared so the INTEGER stays positive and within 20 octets. */
export function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  if (b[0] === 0) b[0] = 0x01;
  return b;
}

/**
 * Builds and signs an X.509 v3 certificate: node-forge lays out the ASN.1, node:crypto signs it
 * (forge cannot sign with ECDSA and is slow with RSA).
 */
export function buildCertificate(spec: CertificateSpec): { der: Buffer; pem: string } {
  if (!(spec.notBefore < spec.notAfter)) throw new RangeError('notBefore must be earlier than notAfter');
  const sigAlg = signatureAlgorithmFor(spec.issuerPrivateKey);
  const subjectName = buildName(spec.subject);
  const issuerName: Asn1 = spec.issuerNameDer ? fromDer(spec.issuerNameDer) : subjectName;
  const spki = spec.subjectPublicKey.export({ type: 'spki', format: 'der' });
  const tbs = seq([
    explicit(0, smallInteger(2)),
    unsignedInteger(spec.serial ?? randomSerial()),
    signatureAlgorithmIdentifier(sigAlg),
    issuerName,
    seq([x509Time(spec.notBefore), x509Time(spec.notAfter)]),
    subjectName,
    fromDer(spki),
    explicit(3, encodeExtensions(spec.extensions)),
  ]);
  const tbsDer = toDer(tbs);
  const signature = signData(spec.issuerPrivateKey, sigAlg, tbsDer);
  const der = toDer(seq([tbs, signatureAlgorithmIdentifier(sigAlg), bitString(signature)]));
  return { der, pem: toPem(der, 'CERTIFICATE') };
}
