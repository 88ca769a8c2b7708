import { randomBytes } from 'node:crypto';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { PkiError } from '../errors';
import { fetchBounded } from '../http/fetch-bounded';
import { certIdOf } from './cert-id';
import { checkOcspResponse, type OcspAnswer } from './check-ocsp-response';
import { buildOcspRequest } from './ocsp-messages';

export interface OcspFetchOptions {
  readonly timeoutMs?: number;
  readonly now?: Date;
  /** Responses are a few kilobytes; a responder that sends more is not one. */
  readonly maxBytes?: number;
}

/**
 * Asks `url` about `cert` (HTTP POST, RFC 6960 appendix A) with a fresh 16-byte nonce, and returns
 * the checked answer with the response's bytes (for a DSS). Unreachable, slow, oversized or
 * unbelievable answers throw a PkiError saying which.
 */
export async function fetchOcsp(url: string, cert: ParsedCertificate, issuer: ParsedCertificate, opts: OcspFetchOptions = {}): Promise<{ answer: OcspAnswer; der: Buffer }> {
  const nonce = randomBytes(16);
  const limits = { timeoutMs: opts.timeoutMs ?? 10_000, maxBytes: opts.maxBytes ?? 1024 * 1024 };
  const init = { method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' }, body: buildOcspRequest([certIdOf(cert, issuer)], nonce) };
  const body = await fetchBounded(url, init, limits, (reason) => new PkiError('BAD_OCSP_RESPONSE', `OCSP responder ${url}: ${reason}`));
  return { answer: checkOcspResponse(body, { cert, issuer, nonce, ...(opts.now === undefined ? {} : { now: opts.now }) }), der: body };
}
