import type { ParsedCertificate } from '../certificates/parse-certificate';
import type { RevokedEntry } from '../crl/create-crl';
import type { RevocationReason } from '../crl/revocation-reason';
import { PkiError } from '../errors';
import type { SigningKey } from '../identity/signing-key';
import { type CertId, certIdOf, issuedBy } from './cert-id';
import { buildOcspErrorResponse, buildOcspResponse, parseOcspRequest, type SingleResponse } from './ocsp-messages';

export interface OcspResponderOptions {
  /** The CA whose certificates the responder answers for. */
  readonly issuer: ParsedCertificate;
  /** The key that signs: the CA's own, or a delegated responder's (issueOcspSigningCertificate). */
  readonly signer: SigningKey;
  /** The CA's revocation register, read at each request so that a revocation counts at once. */
  readonly revoked: () => readonly RevokedEntry[];
  /** How long an answer may be relied on (nextUpdate - thisUpdate). */
  readonly validityMs?: number;
}

/**
 * An OCSP responder for one CA (RFC 6960): "revoked" for a serial in its register, "good" for any
 * other serial it issued under this name and key, "unknown" for a certificate of another issuer.
 * Answers are signed at once and echo the request's nonce; a request it cannot read gets
 * malformedRequest, never an exception.
 */
export class OcspResponder {
  constructor(private readonly options: OcspResponderOptions) {}

  respond(requestDer: Buffer, now: Date = new Date()): Buffer {
    let request;
    try {
      request = parseOcspRequest(requestDer);
    } catch (error) {
      if (error instanceof PkiError) return buildOcspErrorResponse('malformedRequest');
      throw error;
    }
    return this.answer(request.certIds.slice(0, 50), now, request.nonce);
  }

  /**
   * One answer about every certificate given, unasked (no nonce): what a document's B-LT data
   * carries about its signers. One signed answer for all of them, as RFC 6960 allows, rather than
   * one each: a signature fewer to make per signer, and to check.
   */
  answerFor(certs: readonly ParsedCertificate[], now: Date = new Date()): Buffer {
    if (certs.length === 0) throw new PkiError('BAD_ARGUMENT', 'an OCSP answer needs at least one certificate to answer about');
    return this.answer(certs.map((cert) => certIdOf(cert, this.options.issuer)), now);
  }

  private answer(certIds: readonly CertId[], now: Date, nonce?: Buffer): Buffer {
    const revoked = new Map(this.options.revoked().map((entry) => [entry.serialHex.toLowerCase().replace(/^0+(?=.)/, ''), entry]));
    const nextUpdate = new Date(now.getTime() + (this.options.validityMs ?? 3600_000));
    const responses: SingleResponse[] = certIds.map((certId) => {
      if (!issuedBy(certId, this.options.issuer)) return { certId, status: { kind: 'unknown' }, thisUpdate: now, nextUpdate };
      const entry = revoked.get(certId.serialHex.replace(/^0+(?=.)/, ''));
      if (entry === undefined) return { certId, status: { kind: 'good' }, thisUpdate: now, nextUpdate };
      return { certId, status: { kind: 'revoked', revokedAt: entry.revokedAt, ...(entry.reason === undefined ? {} : { reason: entry.reason as RevocationReason }) }, thisUpdate: now, nextUpdate };
    });
    const delegated = !this.options.signer.certificate.der.equals(this.options.issuer.der);
    return buildOcspResponse({ responder: this.options.signer, responses, producedAt: now, ...(nonce === undefined ? {} : { nonce }), ...(delegated ? { certificates: [this.options.signer.certificate] } : {}) });
  }
}
