import { createHash } from 'node:crypto';
import { CONTEXT, TAG, UNIVERSAL, bytesOf, children, contentOf, expect, readBitString, readIntegerHex, readOctets, readOid, readRoot, readTime } from '../asn1/der';
import { type DistinguishedName, parseName } from '../asn1/name';
import { OID } from '../asn1/oids';
import { pemBlocks } from '../asn1/pem';
import { BoundedMemo } from '../certificates/bounded-memo';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { PkiError } from '../errors';
import { parseSignatureAlgorithm, verifySignature } from '../keys/key-algorithm';
import { reasonName } from './revocation-reason';

export interface CrlEntry {
  readonly serialHex: string;
  readonly revokedAt: Date;
  readonly reason?: string;
}

export interface ParsedCrl {
  readonly der: Buffer;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly entries: ReadonlyMap<string, CrlEntry>;
  /** True when the CRL's signature verifies with the issuer's public key. */
  isSignedBy(issuer: ParsedCertificate): boolean;
}

// Verifying a document reads the same CA CRLs (its /DSS, the trust list's) each time, and checking
// a CRL's signature costs as much as a certificate's; both are done once per distinct CRL.
const parsed = new BoundedMemo<ParsedCrl>(64);
/**
 * A CRL larger than this (a big CA's) is parsed each time rather than held: CRLs also come from the
 * /DSS of uploaded files, and at most 64 × 256 KiB of them stay in memory, whoever sent them.
 */
export const CRL_MEMO_MAX_DER = 256 * 1024;
const signatureChecks = new BoundedMemo<boolean>(512);

/** CRLs are parsed once per distinct DER: callers must treat what they get as read-only (it is shared). */
export function parseCrl(der: Buffer): ParsedCrl {
  try {
    if (der.length > CRL_MEMO_MAX_DER) return parseCrlUnchecked(Buffer.from(der), sha256Of(der));
    const sha256 = sha256Of(der);
    return parsed.get(sha256, () => parseCrlUnchecked(Buffer.from(der), sha256));
  } catch (e) {
    if (e instanceof PkiError) throw new PkiError('BAD_CRL', `not a valid CRL: ${e.message}`);
    throw e;
  }
}

export function parseCrlsPem(pem: string, what = 'CRL'): ParsedCrl[] {
  const blocks = pemBlocks(pem, 'X509 CRL');
  if (blocks.length === 0) throw new PkiError('BAD_PEM', `${what}: no "-----BEGIN X509 CRL-----" block found`);
  return blocks.map(parseCrl);
}

function parseCrlUnchecked(der: Buffer, sha256: string): ParsedCrl {
  const root = expect(readRoot(der), UNIVERSAL, TAG.SEQUENCE, 'CertificateList');
  const [tbsTlv, sigAlgTlv, sigTlv] = children(der, root);
  const fields = children(der, expect(tbsTlv, UNIVERSAL, TAG.SEQUENCE, 'TBSCertList'));
  let i = 0;
  if (fields[0]?.tag === TAG.INTEGER) i++;
  i++; // signature algorithm
  const issuer = parseName(der, expect(fields[i++], UNIVERSAL, TAG.SEQUENCE, 'issuer'));
  const thisUpdate = readTime(der, fields[i++], 'thisUpdate');
  let nextUpdate: Date | undefined;
  if (fields[i] && (fields[i].tag === TAG.UTC_TIME || fields[i].tag === TAG.GENERALIZED_TIME) && fields[i].tagClass === UNIVERSAL) nextUpdate = readTime(der, fields[i++]);
  const entries = new Map<string, CrlEntry>();
  if (fields[i] && fields[i].tagClass === UNIVERSAL && fields[i].tag === TAG.SEQUENCE) {
    for (const e of children(der, fields[i++])) {
      const parts = children(der, e);
      const serialHex = readIntegerHex(der, parts[0], 'userCertificate');
      const revokedAt = readTime(der, parts[1], 'revocationDate');
      let reason: string | undefined;
      if (parts[2]) {
        for (const ext of children(der, parts[2])) {
          const extParts = children(der, ext);
          if (readOid(der, extParts[0]) === OID.cRLReason) {
            const v = readOctets(der, extParts[extParts.length - 1]);
            reason = reasonName(contentOf(v, readRoot(v))[0]) ?? 'unspecified';
          }
        }
      }
      entries.set(serialHex, { serialHex, revokedAt, reason });
    }
  }
  if (fields[i] && fields[i].tagClass === CONTEXT && fields[i].tag === 0) i++;
  const tbs = Buffer.from(bytesOf(der, tbsTlv));
  const signature = Buffer.from(readBitString(der, sigTlv).bytes);
  const sigAlg = parseSignatureAlgorithm(der, sigAlgTlv);
  return {
    der,
    issuer,
    thisUpdate,
    nextUpdate,
    entries,
    isSignedBy(cert: ParsedCertificate): boolean {
      return signatureChecks.get(`${sha256}:${cert.sha256}`, () => {
        try {
          return verifySignature(cert.publicKey, sigAlg, tbs, signature);
        } catch {
          return false;
        }
      });
    },
  };
}


function sha256Of(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}
