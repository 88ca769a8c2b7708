import { type Asn1, bitString, enumerated, explicit, fromDer, seq, smallInteger, toDer, unsignedInteger, x509Time } from '../asn1/build';
import { toPem } from '../asn1/pem';
import { openCa, type IssuedCredential } from '../certificates/profiles';
import { type ExtensionSpec, authorityKeyIdentifier, encodeExtensions } from '../certificates/extensions';
import { PkiError } from '../errors';
import { signData, signatureAlgorithmFor, signatureAlgorithmIdentifier } from '../keys/key-algorithm';
import { OID } from '../asn1/oids';
import { REVOCATION_REASONS, type RevocationReason } from './revocation-reason';

export interface RevokedEntry {
  readonly serialHex: string;
  readonly revokedAt: Date;
  readonly reason?: RevocationReason | string;
}

export interface CrlOptions {
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
  /** Must grow with every CRL the CA publishes; defaults to thisUpdate in seconds. */
  readonly crlNumber?: number;
}

const DEFAULT_VALIDITY_MS = 7 * 24 * 3600 * 1000;

/** A CRL v2 signed by the CA, as PEM. */
export function createCrl(caCred: IssuedCredential, revoked: readonly RevokedEntry[], opts: CrlOptions = {}): string {
  const ca = openCa(caCred);
  if (ca.cert.keyUsage && !ca.cert.keyUsage.includes('cRLSign')) {
    throw new PkiError('NOT_A_CA', `CA certificate (serial ${ca.cert.serialHex}) may not sign CRLs (no cRLSign key usage)`);
  }
  const thisUpdate = opts.thisUpdate ?? new Date();
  const nextUpdate = opts.nextUpdate ?? new Date(thisUpdate.getTime() + DEFAULT_VALIDITY_MS);
  if (!(nextUpdate > thisUpdate)) throw new PkiError('BAD_ARGUMENT', 'nextUpdate must be later than thisUpdate');
  const sigAlg = signatureAlgorithmFor(ca.key);
  const entries = revoked.map(entry);
  const crlExtensions: ExtensionSpec[] = [{ oid: OID.cRLNumber, critical: false, value: smallInteger(opts.crlNumber ?? Math.floor(thisUpdate.getTime() / 1000)) }];
  if (ca.cert.subjectKeyId) crlExtensions.unshift(authorityKeyIdentifier(ca.cert.subjectKeyId));
  const tbsItems: Asn1[] = [smallInteger(1), signatureAlgorithmIdentifier(sigAlg), fromDer(ca.cert.subject.der), x509Time(thisUpdate), x509Time(nextUpdate)];
  if (entries.length) tbsItems.push(seq(entries));
  tbsItems.push(explicit(0, encodeExtensions(crlExtensions)));
  const tbs = seq(tbsItems);
  const signature = signData(ca.key, sigAlg, toDer(tbs));
  return toPem(toDer(seq([tbs, signatureAlgorithmIdentifier(sigAlg), bitString(signature)])), 'X509 CRL');
}

function entry(e: RevokedEntry): Asn1 {
  if (!/^[0-9a-f]+$/i.test(e.serialHex)) throw new PkiError('BAD_ARGUMENT', `serial "${e.serialHex}" is not hexadecimal`);
  if (!(e.revokedAt instanceof Date) || Number.isNaN(e.revokedAt.getTime())) throw new PkiError('BAD_ARGUMENT', `revocation time of serial ${e.serialHex} is not a valid date`);
  const serial = unsignedInteger(Buffer.from(e.serialHex.length % 2 ? `0${e.serialHex}` : e.serialHex, 'hex'));
  const items: Asn1[] = [serial, x509Time(e.revokedAt)];
  if (e.reason !== undefined) {
    const code = (REVOCATION_REASONS as Record<string, number>)[e.reason];
    if (code === undefined) throw new PkiError('BAD_ARGUMENT', `unknown revocation reason "${e.reason}" (use one of ${Object.keys(REVOCATION_REASONS).join(', ')})`);
    items.push(encodeExtensions([{ oid: OID.cRLReason, critical: false, value: enumerated(code) }]));
  }
  return seq(items);
}

