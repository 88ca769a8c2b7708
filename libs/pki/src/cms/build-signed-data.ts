import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { type Asn1, explicit, fromDer, implicitConstructed, octets, oid, seq, setOf, smallInteger, toDer } from '../asn1/build';
import { OID, OID_BY_HASH } from '../asn1/oids';
import type { SigningKey } from '../identity/signing-key';
import { signatureAlgorithmIdentifier } from '../keys/key-algorithm';
import { contentTypeAttribute, digestAlgorithmIdentifier, messageDigestAttribute, serialInteger, signingCertificateV2Attribute } from './attributes';

export interface CmsSignOptions {
  readonly identity: SigningKey;
  /** Digest of the signed content (the PDF byte ranges, or the encapsulated content). */
  readonly contentDigest: Buffer;
  readonly contentType?: string;
  /** Encapsulated content; absent for a detached signature such as PAdES. */
  readonly eContent?: Buffer;
  readonly includeChain?: boolean;
  readonly extraSignedAttributes?: readonly Asn1[];
}

/**
 * A SignerInfo whose signature is already computed. The unsigned attributes (the signature
 * time-stamp) depend on the signature value, so the final encoding is a second step.
 */
export interface PreparedCms {
  readonly signatureValue: Buffer;
  encode(unsignedAttributes?: readonly Asn1[]): Buffer;
}

interface IdentityParts {
  readonly certificates: Asn1[];
  readonly chainless: Asn1[];
  readonly signerId: Asn1;
  readonly signingCertificate: Asn1;
}

// The certificates, signer identifier and signing-certificate-v2 of an identity never change:
// build their ASN.1 once, not for every signature.
const partsCache = new WeakMap<SigningKey, IdentityParts>();

function identityParts(identity: SigningKey): IdentityParts {
  let parts = partsCache.get(identity);
  if (!parts) {
    const cert = identity.certificate;
    const leaf = fromDer(cert.der);
    parts = {
      certificates: [leaf, ...identity.chain.map((c) => fromDer(c.der))],
      chainless: [leaf],
      signerId: seq([fromDer(cert.issuer.der), serialInteger(cert.serialHex)]),
      signingCertificate: signingCertificateV2Attribute(cert),
    };
    partsCache.set(identity, parts);
  }
  return parts;
}

/** CMS SignedData with CAdES-BES signed attributes: content-type, message-digest, signing-certificate-v2. */
export function signCms(opts: CmsSignOptions): PreparedCms {
  const { identity } = opts;
  const hash = identity.signatureAlgorithm.hash;
  const contentType = opts.contentType ?? OID.data;
  if (opts.contentDigest.length !== createHash(hash).digest().length) {
    throw new RangeError(`content digest must be a ${hash} digest`);
  }
  const parts = identityParts(identity);
  const signedAttrs = setOf([contentTypeAttribute(contentType), messageDigestAttribute(opts.contentDigest), parts.signingCertificate, ...(opts.extraSignedAttributes ?? [])]);
  // The signature covers the DER of the attributes as a SET (tag 0x31), not as the [0] that is stored.
  const signatureValue = identity.sign(toDer(signedAttrs));
  const signedAttrItems = signedAttrs.value as Asn1[];
  const certificates = opts.includeChain === false ? parts.chainless : parts.certificates;

  return {
    signatureValue,
    encode(unsigned: readonly Asn1[] = []): Buffer {
      const signerInfoItems: Asn1[] = [
        smallInteger(1),
        parts.signerId,
        digestAlgorithmIdentifier(OID_BY_HASH[hash]),
        implicitConstructed(0, signedAttrItems),
        signatureAlgorithmIdentifier(identity.signatureAlgorithm),
        octets(signatureValue),
      ];
      if (unsigned.length) signerInfoItems.push(implicitConstructed(1, [...(setOf([...unsigned]).value as Asn1[])]));
      const encap: Asn1[] = [oid(contentType)];
      if (opts.eContent) encap.push(explicit(0, octets(opts.eContent)));
      const signedData = seq([
        // RFC 5652 5.1: version 3 when the content is not id-data.
        smallInteger(contentType === OID.data ? 1 : 3),
        forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, [digestAlgorithmIdentifier(OID_BY_HASH[hash])]),
        seq(encap),
        implicitConstructed(0, certificates),
        forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, [seq(signerInfoItems)]),
      ]);
      return toDer(seq([oid(OID.signedData), explicit(0, signedData)]));
    },
  };
}
