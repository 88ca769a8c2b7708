import { CONTEXT, TAG, UNIVERSAL, type Tlv, bytesOf, children, expect, readIntegerHex, readOctets, readOid, readTlv, readSmallInteger } from '../asn1/der';
import { type DistinguishedName, parseName } from '../asn1/name';
import { OID } from '../asn1/oids';
import { PkiError } from '../errors';

export interface CmsAttribute {
  readonly oid: string;
  /** Each value's DER. */
  readonly values: readonly Buffer[];
}

export type SignerIdentifier =
  | { readonly kind: 'issuerSerial'; readonly issuer: DistinguishedName; readonly serialHex: string }
  | { readonly kind: 'keyId'; readonly keyId: Buffer };

export interface ParsedSignerInfo {
  readonly version: number;
  readonly sid: SignerIdentifier;
  readonly digestAlgorithmOid: string;
  /** The signed attributes re-tagged as a SET (0x31): exactly the bytes the signature covers. */
  readonly signedAttributesDer?: Buffer;
  readonly signedAttributes: readonly CmsAttribute[];
  readonly signatureAlgorithm: { readonly buf: Buffer; readonly tlv: Tlv };
  readonly signature: Buffer;
  readonly unsignedAttributes: readonly CmsAttribute[];
}

export interface ParsedSignedData {
  readonly der: Buffer;
  readonly contentType: string;
  readonly eContent?: Buffer;
  readonly certificates: readonly Buffer[];
  readonly signerInfos: readonly ParsedSignerInfo[];
}

/**
 * Reads a ContentInfo holding SignedData. Trailing zero bytes are allowed because a PDF signature's
 * /Contents is zero-padded to its placeholder size.
 */
export function parseSignedData(input: Buffer): ParsedSignedData {
  try {
    return parseUnchecked(input);
  } catch (e) {
    if (e instanceof PkiError) throw new PkiError('BAD_CMS', `not a valid CMS SignedData: ${e.message}`);
    throw e;
  }
}

function parseUnchecked(input: Buffer): ParsedSignedData {
  const first = readTlv(input, 0);
  const rest = input.subarray(first.end);
  if (rest.some((b) => b !== 0)) throw new PkiError('BAD_DER', 'data after the end of the ContentInfo');
  const der = Buffer.from(input.subarray(0, first.end));
  const contentInfo = children(der, expect(first, UNIVERSAL, TAG.SEQUENCE, 'ContentInfo'));
  if (readOid(der, contentInfo[0], 'contentType') !== OID.signedData) throw new PkiError('BAD_DER', 'ContentInfo does not hold SignedData');
  const explicit0 = expect(contentInfo[1], CONTEXT, 0, '[0] content');
  const sd = children(der, expect(children(der, explicit0)[0], UNIVERSAL, TAG.SEQUENCE, 'SignedData'));
  let i = 1; // version
  i++; // digestAlgorithms
  const encap = children(der, expect(sd[i++], UNIVERSAL, TAG.SEQUENCE, 'EncapsulatedContentInfo'));
  const contentType = readOid(der, encap[0], 'eContentType');
  const eContent = encap[1] ? Buffer.from(readOctets(der, children(der, encap[1])[0], 'eContent')) : undefined;
  const certificates: Buffer[] = [];
  for (; i < sd.length && sd[i].tagClass === CONTEXT; i++) {
    if (sd[i].tag !== 0) continue; // [1] crls
    for (const c of children(der, sd[i])) {
      if (c.tagClass === UNIVERSAL && c.tag === TAG.SEQUENCE) certificates.push(Buffer.from(bytesOf(der, c)));
    }
  }
  const signerInfos = children(der, expect(sd[i], UNIVERSAL, TAG.SET, 'signerInfos')).map((si) => parseSignerInfo(der, si));
  if (signerInfos.length === 0) throw new PkiError('BAD_DER', 'SignedData has no SignerInfo');
  return { der, contentType, eContent, certificates, signerInfos };
}

function parseSignerInfo(der: Buffer, tlv: Tlv): ParsedSignerInfo {
  const parts = children(der, expect(tlv, UNIVERSAL, TAG.SEQUENCE, 'SignerInfo'));
  let i = 0;
  const version = readSmallInteger(der, parts[i++], 'SignerInfo version');
  const sidTlv = parts[i++];
  let sid: SignerIdentifier;
  if (sidTlv.tagClass === CONTEXT && sidTlv.tag === 0) {
    sid = { kind: 'keyId', keyId: Buffer.from(der.subarray(sidTlv.contentStart, sidTlv.contentEnd)) };
  } else {
    const [issuer, serial] = children(der, expect(sidTlv, UNIVERSAL, TAG.SEQUENCE, 'IssuerAndSerialNumber'));
    sid = { kind: 'issuerSerial', issuer: parseName(der, issuer), serialHex: readIntegerHex(der, serial, 'serialNumber') };
  }
  const digestAlgorithmOid = readOid(der, children(der, parts[i++])[0], 'digestAlgorithm');
  let signedAttributesDer: Buffer | undefined;
  let signedAttributes: CmsAttribute[] = [];
  if (parts[i]?.tagClass === CONTEXT && parts[i].tag === 0) {
    const raw = Buffer.from(bytesOf(der, parts[i]));
    raw[0] = 0x31;
    signedAttributesDer = raw;
    signedAttributes = parseAttributes(der, parts[i]);
    i++;
  }
  const signatureAlgorithm = { buf: der, tlv: parts[i++] };
  const signature = Buffer.from(readOctets(der, parts[i++], 'signature'));
  const unsignedAttributes = parts[i]?.tagClass === CONTEXT && parts[i].tag === 1 ? parseAttributes(der, parts[i]) : [];
  return { version, sid, digestAlgorithmOid, signedAttributesDer, signedAttributes, signatureAlgorithm, signature, unsignedAttributes };
}

function parseAttributes(der: Buffer, set: Tlv): CmsAttribute[] {
  return children(der, set).map((attr) => {
    const [type, values] = children(der, attr);
    return { oid: readOid(der, type, 'attribute type'), values: children(der, values).map((v) => Buffer.from(bytesOf(der, v))) };
  });
}

export function attributeValues(attrs: readonly CmsAttribute[], attrOid: string): readonly Buffer[] {
  return attrs.find((a) => a.oid === attrOid)?.values ?? [];
}
