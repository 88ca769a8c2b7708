import type { ParsedCertificate } from '../certificates/parse-certificate';
import type { RevocationStatus } from '../validation/certificate-path';
import { checkOcspResponse } from './check-ocsp-response';
import { parseOcspResponse } from './ocsp-messages';

/**
 * What stored OCSP answers (a document's /DSS) say about `cert`: the answer must be signed by its
 * issuer or the issuer's authorised responder and be about this certificate; it is judged as of
 * when it was produced, since validation data is by nature older than the validation. The most
 * recent usable answer has the final word.
 */
export function ocspRevocationStatus(cert: ParsedCertificate, issuer: ParsedCertificate, responses: readonly Buffer[]): RevocationStatus {
  let latest: { producedAt: Date; status: RevocationStatus } | undefined;
  let problem = 'no OCSP answer about it';
  for (const der of responses) {
    try {
      const producedAt = parseOcspResponse(der).basic?.producedAt;
      if (producedAt === undefined) continue;
      const answer = checkOcspResponse(der, { cert, issuer, now: producedAt });
      const status: RevocationStatus =
        answer.status.kind === 'good'
          ? { status: 'good', crlThisUpdate: answer.thisUpdate, source: 'ocsp' }
          : answer.status.kind === 'revoked'
            ? { status: 'revoked', revokedAt: answer.status.revokedAt, ...(answer.status.reason === undefined ? {} : { reason: answer.status.reason }) }
            : { status: 'unknown', detail: 'the OCSP responder does not know it' };
      if (latest === undefined || producedAt > latest.producedAt) latest = { producedAt, status };
    } catch (error) {
      // An answer about another certificate is the common case in a store; keep the reason of a real failure.
      if (!/says nothing about certificate/.test((error as Error).message)) problem = (error as Error).message;
    }
  }
  return latest?.status ?? { status: 'unknown', detail: problem };
}
