import { createHash } from 'node:crypto';
import { type Asn1, algorithmIdentifier, octets, seq, unsignedInteger } from '../asn1/build';
import { children, readBitString, readIntegerHex, readOctets, readOid, readRoot, type Tlv } from '../asn1/der';
import { HASH_BY_OID, type HashName, OID_BY_HASH } from '../asn1/oids';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { PkiError } from '../errors';

/** Which certificate an OCSP request or answer is about (RFC 6960 4.1.1). */
export interface CertId {
  readonly hash: HashName;
  readonly issuerNameHash: Buffer;
  readonly issuerKeyHash: Buffer;
  readonly serialHex: string;
}

/** The bits of the issuer's public key (the BIT STRING of its SubjectPublicKeyInfo), hashed as OCSP's key hashes are. */
export function publicKeyBits(cert: ParsedCertificate): Buffer {
  const spki = cert.spki;
  const [, key] = children(spki, readRoot(spki));
  return readBitString(spki, key, 'subjectPublicKey').bytes;
}

export function certIdOf(cert: ParsedCertificate, issuer: ParsedCertificate, hash: HashName = 'sha1'): CertId {
  return {
    hash,
    issuerNameHash: createHash(hash).update(issuer.subject.der).digest(),
    issuerKeyHash: createHash(hash).update(publicKeyBits(issuer)).digest(),
    serialHex: cert.serialHex.toLowerCase(),
  };
}

/** Whether `id` names a certificate of `issuer` (computed with the id's own hash). */
export function issuedBy(id: CertId, issuer: ParsedCertificate): boolean {
  return createHash(id.hash).update(issuer.subject.der).digest().equals(id.issuerNameHash) && createHash(id.hash).update(publicKeyBits(issuer)).digest().equals(id.issuerKeyHash);
}

export function sameCertId(a: CertId, b: CertId): boolean {
  return a.hash === b.hash && a.issuerNameHash.equals(b.issuerNameHash) && a.issuerKeyHash.equals(b.issuerKeyHash) && normalSerial(a.serialHex) === normalSerial(b.serialHex);
}

export function encodeCertId(id: CertId): Asn1 {
  const serial = id.serialHex.length % 2 ? `0${id.serialHex}` : id.serialHex;
  return seq([algorithmIdentifier(OID_BY_HASH[id.hash], 'null'), octets(id.issuerNameHash), octets(id.issuerKeyHash), unsignedInteger(Buffer.from(serial, 'hex'))]);
}

export function readCertId(buf: Buffer, tlv: Tlv, problem: (message: string) => PkiError): CertId {
  const [alg, nameHash, keyHash, serial] = children(buf, tlv);
  if (alg === undefined || serial === undefined) throw problem('a CertID has fewer than four parts');
  const hashOid = readOid(buf, children(buf, alg)[0], 'CertID hashAlgorithm');
  const hash = HASH_BY_OID[hashOid];
  if (hash === undefined) throw problem(`CertID hash algorithm ${hashOid} is not supported`);
  return { hash, issuerNameHash: Buffer.from(readOctets(buf, nameHash, 'issuerNameHash')), issuerKeyHash: Buffer.from(readOctets(buf, keyHash, 'issuerKeyHash')), serialHex: readIntegerHex(buf, serial, 'serialNumber').toLowerCase() };
}

function normalSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}
