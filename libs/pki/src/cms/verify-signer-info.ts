import { TAG, UNIVERSAL, expect, readOctets, readOid, readRoot } from '../asn1/der';
import { sameName } from '../asn1/name';
import { HASH_BY_OID, type HashName, OID } from '../asn1/oids';
import { type ParsedCertificate, parseCertificate } from '../certificates/parse-certificate';
import { parseSignatureAlgorithm, verifySignature } from '../keys/key-algorithm';
import { type ParsedSignerInfo, attributeValues } from './parse-signed-data';

/** The certificates carried in the CMS; entries that do not parse are skipped, not fatal. */
export function parseEmbeddedCertificates(ders: readonly Buffer[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const der of ders) {
    try {
      out.push(parseCertificate(der));
    } catch {
      // An attribute certificate or garbage: it cannot be the signer, so ignore it.
    }
  }
  return out;
}

export function findSignerCertificate(si: ParsedSignerInfo, candidates: readonly ParsedCertificate[]): ParsedCertificate | undefined {
  const { sid } = si;
  if (sid.kind === 'keyId') return candidates.find((c) => c.subjectKeyId?.equals(sid.keyId));
  return candidates.find((c) => c.serialHex === sid.serialHex && sameName(c.issuer, sid.issuer));
}

export function digestAlgorithmOf(si: ParsedSignerInfo): HashName | undefined {
  return HASH_BY_OID[si.digestAlgorithmOid];
}

/** The message-digest signed attribute, when there is exactly one. */
export function signedMessageDigest(si: ParsedSignerInfo): Buffer | undefined {
  const values = attributeValues(si.signedAttributes, OID.messageDigest);
  if (values.length !== 1) return undefined;
  return Buffer.from(readOctets(values[0], readRoot(values[0])));
}

export function signedContentType(si: ParsedSignerInfo): string | undefined {
  const values = attributeValues(si.signedAttributes, OID.contentType);
  if (values.length !== 1) return undefined;
  return readOid(values[0], expect(readRoot(values[0]), UNIVERSAL, TAG.OID, 'content-type'));
}

/** Verifies the signature value over the signed attributes with the certificate's key. */
export function verifySignerSignature(si: ParsedSignerInfo, cert: ParsedCertificate): boolean {
  if (!si.signedAttributesDer) return false;
  const alg = parseSignatureAlgorithm(si.signatureAlgorithm.buf, si.signatureAlgorithm.tlv, digestAlgorithmOf(si));
  if (!alg.hash || alg.scheme === 'unknown') return false;
  return verifySignature(cert.publicKey, alg, si.signedAttributesDer, si.signature);
}
