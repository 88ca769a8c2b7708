import { createHash } from 'node:crypto';
import { type Asn1, bitString, bool, implicitPrimitive, implicitConstructed, octets, oid, seq, smallInteger, toDer } from '../asn1/build';
import { children, readBitString, readRoot } from '../asn1/der';
import { OID } from '../asn1/oids';
import { type KeyUsage, keyUsageToBits } from './key-usage';

/** An extension ready to be placed in a TBSCertificate or a CRL. */
export interface ExtensionSpec {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Asn1;
}

export function encodeExtensions(exts: readonly ExtensionSpec[]): Asn1 {
  return seq(exts.map((e) => seq(e.critical ? [oid(e.oid), bool(true), octets(toDer(e.value))] : [oid(e.oid), octets(toDer(e.value))])));
}

export function basicConstraints(ca: boolean, pathLength?: number): ExtensionSpec {
  const items: Asn1[] = [];
  if (ca) items.push(bool(true));
  if (ca && pathLength !== undefined) items.push(smallInteger(pathLength));
  return { oid: OID.basicConstraints, critical: true, value: seq(items) };
}

export function keyUsage(usages: readonly KeyUsage[]): ExtensionSpec {
  const { bytes, unusedBits } = keyUsageToBits(usages);
  return { oid: OID.keyUsage, critical: true, value: bitString(bytes, unusedBits) };
}

export function extendedKeyUsage(oids: readonly string[], critical: boolean): ExtensionSpec {
  return { oid: OID.extKeyUsage, critical, value: seq(oids.map((o) => oid(o))) };
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifierOf(spkiDer: Buffer): Buffer {
  const root = readRoot(spkiDer);
  const [, bits] = children(spkiDer, root);
  return createHash('sha1').update(readBitString(spkiDer, bits).bytes).digest();
}

export function subjectKeyIdentifier(spkiDer: Buffer): ExtensionSpec {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: octets(keyIdentifierOf(spkiDer)) };
}

export function authorityKeyIdentifier(keyId: Buffer): ExtensionSpec {
  return { oid: OID.authorityKeyIdentifier, critical: false, value: seq([implicitPrimitive(0, keyId)]) };
}

export function crlDistributionPoint(url: string): ExtensionSpec {
  // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames { uniformResourceIdentifier [6] } } }
  const uri = implicitPrimitive(6, Buffer.from(url, 'ascii'));
  return { oid: OID.cRLDistributionPoints, critical: false, value: seq([seq([implicitConstructed(0, [implicitConstructed(0, [uri])])])]) };
}


/** Authority information access with the OCSP responder's URL (RFC 5280 4.2.2.1). */
export function ocspAccess(url: string): ExtensionSpec {
  return { oid: OID.authorityInfoAccess, critical: false, value: seq([seq([oid(OID.adOcsp), implicitPrimitive(6, Buffer.from(url, 'ascii'))])]) };
}
