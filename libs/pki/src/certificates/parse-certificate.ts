import { type KeyObject, X509Certificate, createHash } from 'node:crypto';
import { CONTEXT, TAG, UNIVERSAL, bytesOf, children, expect, readBitString, readOctets, readIntegerHex, readOid, readRoot, readSmallInteger, readTime, type Tlv, contentOf } from '../asn1/der';
import { type DistinguishedName, formatName, nameAttribute, parseName } from '../asn1/name';
import { OID } from '../asn1/oids';
import { pemBlocks } from '../asn1/pem';
import { PkiError } from '../errors';
import { publicKeyFromSpki } from '../keys/key-algorithm';
import { BoundedMemo } from './bounded-memo';
import { type KeyUsage, keyUsageFromBits } from './key-usage';

export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Buffer;
}

/** An X.509 certificate with the fields the signing and validation code needs. */
export interface ParsedCertificate {
  readonly der: Buffer;
  readonly tbs: Buffer;
  readonly signatureAlgorithm: Tlv;
  readonly signatureValue: Buffer;
  readonly serialHex: string;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Buffer;
  readonly publicKey: KeyObject;
  readonly extensions: readonly CertificateExtension[];
  readonly keyUsage?: readonly KeyUsage[];
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  readonly extKeyUsage?: readonly string[];
  readonly subjectKeyId?: Buffer;
  readonly authorityKeyId?: Buffer;
  /** The issuer's OCSP responders, from authority information access. */
  readonly ocspUrls: readonly string[];
  /** Where the issuer publishes the CRL that covers this certificate (full-name URIs of its CRL distribution points). */
  readonly crlUrls: readonly string[];
  readonly sha256: string;
}

// Parsing costs about 140 µs and checking a signature about as much; issuing or verifying one
// document meets the same CA certificates dozens of times.
const parsed = new BoundedMemo<ParsedCertificate>(512);
/** Real certificates are a few kilobytes; a larger one (hostile, or odd) is parsed each time rather than held. */
const MEMO_MAX_DER = 16 * 1024;
const signatureChecks = new BoundedMemo<boolean>(2048);

/** Certificates are parsed once per distinct DER: callers must treat what they get as read-only (it is shared). */
export function parseCertificate(der: Buffer): ParsedCertificate {
  try {
    return der.length > MEMO_MAX_DER ? parseCertificateUnchecked(der) : parsed.get(der.toString('base64'), () => parseCertificateUnchecked(der));
  } catch (e) {
    if (e instanceof PkiError) throw new PkiError('BAD_CERTIFICATE', `not a valid X.509 certificate: ${e.message}`);
    throw e;
  }
}

function parseCertificateUnchecked(input: Buffer): ParsedCertificate {
  const der = Buffer.from(input);
  const root = expect(readRoot(der), UNIVERSAL, TAG.SEQUENCE, 'Certificate');
  const [tbsTlv, sigAlg, sigValue] = children(der, root);
  expect(tbsTlv, UNIVERSAL, TAG.SEQUENCE, 'TBSCertificate');
  const fields = children(der, tbsTlv);
  let i = 0;
  if (fields[0]?.tagClass === CONTEXT && fields[0].tag === 0) i++; // version
  const serialHex = readIntegerHex(der, fields[i++], 'serialNumber');
  i++; // inner signature algorithm
  const issuer = parseName(der, expect(fields[i++], UNIVERSAL, TAG.SEQUENCE, 'issuer'));
  const validity = children(der, expect(fields[i++], UNIVERSAL, TAG.SEQUENCE, 'validity'));
  const notBefore = readTime(der, validity[0], 'notBefore');
  const notAfter = readTime(der, validity[1], 'notAfter');
  const subject = parseName(der, expect(fields[i++], UNIVERSAL, TAG.SEQUENCE, 'subject'));
  const spki = Buffer.from(bytesOf(der, expect(fields[i++], UNIVERSAL, TAG.SEQUENCE, 'subjectPublicKeyInfo')));
  const extensions: CertificateExtension[] = [];
  for (; i < fields.length; i++) {
    if (fields[i].tagClass === CONTEXT && fields[i].tag === 3) {
      for (const ext of children(der, children(der, fields[i])[0])) {
        const parts = children(der, ext);
        const critical = parts.length === 3 && contentOf(der, parts[1])[0] !== 0;
        extensions.push({ oid: readOid(der, parts[0]), critical, value: Buffer.from(readOctets(der, parts[parts.length - 1])) });
      }
    }
  }
  const ext = (o: string) => extensions.find((e) => e.oid === o)?.value;
  const ku = ext(OID.keyUsage);
  const bc = ext(OID.basicConstraints);
  const eku = ext(OID.extKeyUsage);
  const ski = ext(OID.subjectKeyIdentifier);
  const aki = ext(OID.authorityKeyIdentifier);
  const aia = ext(OID.authorityInfoAccess);
  const crlDp = ext(OID.cRLDistributionPoints);
  return {
    der,
    tbs: Buffer.from(bytesOf(der, tbsTlv)),
    signatureAlgorithm: sigAlg,
    signatureValue: Buffer.from(readBitString(der, sigValue, 'signatureValue').bytes),
    serialHex,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki,
    publicKey: publicKeyFromSpki(spki),
    extensions,
    keyUsage: ku ? keyUsageFromBits(readBitString(ku, readRoot(ku)).bytes) : undefined,
    basicConstraints: bc ? parseBasicConstraints(bc) : undefined,
    extKeyUsage: eku ? children(eku, readRoot(eku)).map((t) => readOid(eku, t)) : undefined,
    subjectKeyId: ski ? Buffer.from(readOctets(ski, readRoot(ski))) : undefined,
    authorityKeyId: aki ? parseAuthorityKeyId(aki) : undefined,
    ocspUrls: aia ? ocspUrlsOf(aia) : [],
    crlUrls: crlDp ? crlUrlsOf(crlDp) : [],
    sha256: createHash('sha256').update(der).digest('hex'),
  };
}

function parseBasicConstraints(v: Buffer): { ca: boolean; pathLength?: number } {
  const items = children(v, readRoot(v));
  let ca = false;
  let pathLength: number | undefined;
  for (const item of items) {
    if (item.tag === TAG.BOOLEAN) ca = contentOf(v, item)[0] !== 0;
    if (item.tag === TAG.INTEGER) pathLength = readSmallInteger(v, item);
  }
  return { ca, pathLength };
}

/** AccessDescription { accessMethod id-ad-ocsp, accessLocation uniformResourceIdentifier [6] }. */
function ocspUrlsOf(v: Buffer): string[] {
  return children(v, readRoot(v)).flatMap((description) => {
    const [method, location] = children(v, description);
    if (readOid(v, method) !== OID.adOcsp || location === undefined || location.tagClass !== CONTEXT || location.tag !== 6) return [];
    return [contentOf(v, location).toString('ascii')];
  });
}

/** DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }: the URIs [6] among the full names. */
function crlUrlsOf(v: Buffer): string[] {
  return children(v, readRoot(v)).flatMap((point) => {
    const name = children(v, point).find((part) => part.tagClass === CONTEXT && part.tag === 0);
    const fullName = name === undefined ? undefined : children(v, name).find((part) => part.tagClass === CONTEXT && part.tag === 0);
    if (fullName === undefined) return [];
    return children(v, fullName)
      .filter((general) => general.tagClass === CONTEXT && general.tag === 6)
      .map((uri) => contentOf(v, uri).toString('ascii'));
  });
}

function parseAuthorityKeyId(v: Buffer): Buffer | undefined {
  const keyId = children(v, readRoot(v)).find((c) => c.tagClass === CONTEXT && c.tag === 0);
  return keyId ? Buffer.from(contentOf(v, keyId)) : undefined;
}

export function parseCertificatePem(pem: string, what = 'certificate'): ParsedCertificate {
  const all = parseCertificatesPem(pem, what);
  return all[0];
}

export function parseCertificatesPem(pem: string, what = 'certificate'): ParsedCertificate[] {
  const blocks = pemBlocks(pem, 'CERTIFICATE');
  if (blocks.length === 0) throw new PkiError('BAD_PEM', `${what}: no "-----BEGIN CERTIFICATE-----" block found`);
  return blocks.map((b) => parseCertificate(b));
}

/** Checks the certificate's signature with the candidate issuer's key (node:crypto does the maths). */
export function isSignedBy(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return signatureChecks.get(`${cert.sha256} ${issuer.sha256}`, () => {
    try {
      return new X509Certificate(cert.der).verify(issuer.publicKey);
    } catch {
      return false;
    }
  });
}

export function isSelfIssued(cert: ParsedCertificate): boolean {
  return cert.issuer.der.equals(cert.subject.der);
}

export function describeSubject(cert: ParsedCertificate): string {
  return formatName(cert.subject);
}

/** The organisation code (mã định danh) we put in organizationIdentifier. */
export function organisationCodeOf(cert: ParsedCertificate): string | undefined {
  return nameAttribute(cert.subject, OID.organizationIdentifier);
}

export function commonNameOf(cert: ParsedCertificate): string | undefined {
  return nameAttribute(cert.subject, OID.commonName);
}

export function positionOf(cert: ParsedCertificate): string | undefined {
  return nameAttribute(cert.subject, OID.title);
}
