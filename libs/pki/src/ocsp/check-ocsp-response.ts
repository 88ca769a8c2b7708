import { createHash } from 'node:crypto';
import { formatName } from '../asn1/name';
import { OID } from '../asn1/oids';
import { isSignedBy, type ParsedCertificate } from '../certificates/parse-certificate';
import { PkiError } from '../errors';
import { parseSignatureAlgorithm, verifySignature } from '../keys/key-algorithm';
import { certIdOf, publicKeyBits, sameCertId } from './cert-id';
import { type CertStatus, parseOcspResponse } from './ocsp-messages';

export interface OcspCheckOptions {
  readonly cert: ParsedCertificate;
  readonly issuer: ParsedCertificate;
  /** The nonce the request carried: a response that carries another is refused. */
  readonly nonce?: Buffer;
  readonly now?: Date;
  /** Clock difference tolerated between us and the responder. */
  readonly skewMs?: number;
  /** How old a response without nextUpdate may be. */
  readonly maxAgeMs?: number;
}

export interface OcspAnswer {
  readonly status: CertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly producedAt: Date;
  /** The issuer itself, or the delegated responder it authorised. */
  readonly responder: ParsedCertificate;
  /** Whether the response echoed our nonce (a pre-produced response does not; it is then only as fresh as thisUpdate). */
  readonly nonceMatched: boolean;
}

const refused = (message: string) => new PkiError('BAD_OCSP_RESPONSE', `OCSP response: ${message}`);

/**
 * Believes an OCSP response about `cert` only if: it is successful; it is signed by the issuer, or
 * by a responder the issuer certified for OCSP signing (id-kp-OCSPSigning) and valid when it
 * answered; it answers for this very certificate; it echoes our nonce when it carries one; and it
 * is current (thisUpdate not in the future, nextUpdate not past). Anything else throws with why.
 */
export function checkOcspResponse(der: Buffer, opts: OcspCheckOptions): OcspAnswer {
  const now = opts.now ?? new Date();
  const skew = opts.skewMs ?? 5 * 60_000;
  const response = parseOcspResponse(der);
  if (response.status !== 'successful' || response.basic === undefined) throw refused(`the responder answered ${response.status}`);
  const basic = response.basic;
  const responder = responderOf(basic.responderId, opts.issuer, basic.certificates);
  if (responder === undefined) throw refused('signed by a responder that is neither the issuer nor among the certificates it carries');
  if (!verifySignature(responder.publicKey, parseSignatureAlgorithm(basic.signatureAlgorithm.buf, basic.signatureAlgorithm.tlv), basic.tbs, basic.signature)) {
    throw refused('its signature does not verify');
  }
  if (responder !== opts.issuer) {
    if (!isSignedBy(responder, opts.issuer)) throw refused(`the responder "${formatName(responder.subject)}" was not certified by the certificate's issuer`);
    if (!(responder.extKeyUsage ?? []).includes(OID.kpOcspSigning)) throw refused(`the responder "${formatName(responder.subject)}" is not authorised to sign OCSP responses (no id-kp-OCSPSigning)`);
    if (basic.producedAt < responder.notBefore || basic.producedAt > responder.notAfter) throw refused(`the responder's certificate was not valid when the response was produced (${basic.producedAt.toISOString()})`);
  }
  if (opts.nonce !== undefined && basic.nonce !== undefined && !basic.nonce.equals(opts.nonce)) throw refused('it answers another request (the nonce differs)');
  const single = basic.responses.find((r) => sameCertId(r.certId, certIdOf(opts.cert, opts.issuer, r.certId.hash)));
  if (single === undefined) throw refused(`it says nothing about certificate ${opts.cert.serialHex}`);
  if (single.thisUpdate.getTime() > now.getTime() + skew) throw refused(`thisUpdate ${single.thisUpdate.toISOString()} is in the future`);
  if (single.nextUpdate !== undefined && single.nextUpdate.getTime() < now.getTime() - skew) throw refused(`it is stale: nextUpdate ${single.nextUpdate.toISOString()} has passed`);
  if (single.nextUpdate === undefined && single.thisUpdate.getTime() < now.getTime() - (opts.maxAgeMs ?? 24 * 3600_000)) throw refused(`it is stale: thisUpdate ${single.thisUpdate.toISOString()} and no nextUpdate`);
  return {
    status: single.status,
    thisUpdate: single.thisUpdate,
    ...(single.nextUpdate === undefined ? {} : { nextUpdate: single.nextUpdate }),
    producedAt: basic.producedAt,
    responder,
    nonceMatched: opts.nonce !== undefined && basic.nonce !== undefined,
  };
}

function responderOf(id: { byName: Buffer } | { byKeyHash: Buffer }, issuer: ParsedCertificate, carried: readonly ParsedCertificate[]): ParsedCertificate | undefined {
  const matches = (cert: ParsedCertificate) => ('byName' in id ? cert.subject.der.equals(id.byName) : createHash('sha1').update(publicKeyBits(cert)).digest().equals(id.byKeyHash));
  return [issuer, ...carried].find(matches);
}
