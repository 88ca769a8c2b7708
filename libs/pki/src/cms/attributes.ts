import { type Asn1, oid, octets, seq, setOf, explicit, unsignedInteger, fromDer, algorithmIdentifier } from '../asn1/build';
import { OID } from '../asn1/oids';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { createHash } from 'node:crypto';

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value } */
export function attribute(attrOid: string, values: Asn1[]): Asn1 {
  return seq([oid(attrOid), setOf(values)]);
}

export function contentTypeAttribute(contentOid: string): Asn1 {
  return attribute(OID.contentType, [oid(contentOid)]);
}

export function messageDigestAttribute(digest: Buffer): Asn1 {
  return attribute(OID.messageDigest, [octets(digest)]);
}

/**
 * ESS signing-certificate-v2 (RFC 5035) with SHA-256: binds the signature to one certificate, so a
 * different certificate with the same key cannot be substituted.
 */
export function signingCertificateV2Attribute(cert: ParsedCertificate): Asn1 {
  const certHash = createHash('sha256').update(cert.der).digest();
  const issuerSerial = seq([seq([explicit(4, fromDer(cert.issuer.der))]), serialInteger(cert.serialHex)]);
  // hashAlgorithm is omitted: its DEFAULT is sha256, and DER forbids encoding a default value.
  const essCertIdV2 = seq([octets(certHash), issuerSerial]);
  return attribute(OID.signingCertificateV2, [seq([seq([essCertIdV2])])]);
}

export function serialInteger(serialHex: string): Asn1 {
  return unsignedInteger(Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, 'hex'));
}

export function digestAlgorithmIdentifier(hashOid: string): Asn1 {
  return algorithmIdentifier(hashOid);
}

/** The unsigned attribute that carries a PAdES B-T signature time-stamp (RFC 3161 token). */
export function signatureTimestampAttribute(token: Buffer): Asn1 {
  return attribute(OID.signatureTimeStampToken, [fromDer(token)]);
}
