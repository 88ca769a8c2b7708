import { createHash } from 'node:crypto';
import { CONTEXT, TAG, UNIVERSAL, children, readIntegerHex, readOctets, readOid, readRoot } from '../asn1/der';
import { parseName, sameName } from '../asn1/name';
import { HASH_BY_OID, OID } from '../asn1/oids';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { type CmsAttribute, attributeValues } from './parse-signed-data';

export type SigningCertificateReference =
  | { readonly status: 'match'; readonly version: 1 | 2 }
  | { readonly status: 'mismatch'; readonly version: 1 | 2; readonly detail: string }
  | { readonly status: 'absent' };

/**
 * Checks the ESS signing-certificate(-v2) attribute against the certificate that verified the
 * signature: the first ESSCertID must name exactly that certificate (RFC 5035 / RFC 2634).
 */
export function checkSigningCertificateReference(signedAttrs: readonly CmsAttribute[], cert: ParsedCertificate): SigningCertificateReference {
  const v2 = attributeValues(signedAttrs, OID.signingCertificateV2);
  const v1 = attributeValues(signedAttrs, OID.signingCertificate);
  const version: 1 | 2 = v2.length ? 2 : 1;
  const value = v2[0] ?? v1[0];
  if (!value) return { status: 'absent' };
  try {
    const certs = children(value, children(value, readRoot(value))[0]);
    if (certs.length === 0) return { status: 'mismatch', version, detail: 'the attribute lists no certificate' };
    const parts = children(value, certs[0]);
    let i = 0;
    let hash = version === 2 ? 'sha256' : 'sha1';
    if (version === 2 && parts[i].tagClass === UNIVERSAL && parts[i].tag === TAG.SEQUENCE) {
      const name = HASH_BY_OID[readOid(value, children(value, parts[i])[0])];
      if (!name) return { status: 'mismatch', version, detail: 'unsupported hash algorithm in signing-certificate-v2' };
      hash = name;
      i++;
    }
    const certHash = readOctets(value, parts[i++], 'certHash');
    const actual = createHash(hash).update(cert.der).digest();
    if (!actual.equals(certHash)) return { status: 'mismatch', version, detail: `certificate ${hash} hash differs from the one in the signed attribute` };
    const issuerSerial = parts[i];
    if (issuerSerial) {
      const [names, serial] = children(value, issuerSerial);
      if (readIntegerHex(value, serial) !== cert.serialHex) return { status: 'mismatch', version, detail: 'serial number differs from the signed attribute' };
      const dirName = children(value, names).find((n) => n.tagClass === CONTEXT && n.tag === 4);
      if (dirName && !sameName(parseName(value, children(value, dirName)[0]), cert.issuer)) {
        return { status: 'mismatch', version, detail: 'issuer name differs from the signed attribute' };
      }
    }
    return { status: 'match', version };
  } catch (e) {
    return { status: 'mismatch', version, detail: `malformed signing-certificate attribute: ${(e as Error).message}` };
  }
}
