import { createHash } from 'node:crypto';
import { type HashName, parseSignedData, parseTstInfo, verifyTimestampToken } from '@edoc/pki';
import { type ChainContext, type Finding, checkCertificate, fail, pass, verdict } from './certificate-checks';
import { laterRevisionFinding } from './later-revisions';
import { timestampSummary } from './timestamp-summary';
import type { SignatureReport } from './report-types';
import type { VerifyContext } from './verify-context';

export interface DocumentTimestampInput {
  readonly fieldName: string;
  /** /Contents: the RFC 3161 TimeStampToken. */
  readonly token: Buffer;
  /** [offset, length] of each signed range. */
  readonly ranges: readonly (readonly [number, number])[];
  readonly coversWholeFile: boolean;
  readonly signedLength: number;
  /** The byte-range check already made. */
  readonly findings: Finding[];
}

/**
 * A document time-stamp (ETSI.RFC3161) holds: the token stamps exactly the digest of its byte
 * ranges, the TSA signed it with a certificate valid at its time that chains to a trust anchor,
 * and later revisions only added what a time-stamped file may gain (signatures, validation data).
 */
export function verifyDocumentTimestamp(input: DocumentTimestampInput, ctx: VerifyContext): SignatureReport {
  const findings = [...input.findings];
  const report = (extra: Partial<SignatureReport>): SignatureReport => ({
    kind: 'document-timestamp',
    fieldName: input.fieldName,
    subFilter: 'ETSI.RFC3161',
    signingTimeSource: 'none',
    coversWholeFile: input.coversWholeFile,
    signedLength: input.signedLength,
    ...extra,
    ...verdict(findings),
  });

  let hash: HashName;
  try {
    const content = parseSignedData(input.token).eContent;
    if (!content) throw new Error('the token encapsulates no TSTInfo');
    const tstHash = parseTstInfo(content).hash;
    if (!tstHash) throw new Error('the TSTInfo names a digest algorithm this verifier does not know');
    hash = tstHash;
  } catch (e) {
    findings.push(fail('cms-structure', `the document time-stamp is not a usable RFC 3161 token: ${(e as Error).message}`, 'TOTAL_FAILED', 'FORMAT_FAILURE'));
    return report({});
  }
  findings.push(pass('cms-structure', `ETSI.RFC3161, an RFC 3161 token with digest ${hash}`));

  // The ranges are hashed as they are read: from a file, they are never held whole.
  const digester = createHash(hash);
  for (const [offset, count] of input.ranges) ctx.source.scan(offset, count, (piece) => digester.update(piece));
  const check = verifyTimestampToken(input.token, { hash, digest: digester.digest() });
  const info = check.tstInfo;
  const summary = (valid: boolean) => timestampSummary(info, check.tsaCertificate, valid);
  const [imprintProblems, signatureProblems, usageProblems, otherProblems] = sortProblems(check.problems);
  if (imprintProblems.length) findings.push(fail('digest', `${hash} of the stamped ranges differs from the token's: the stamped bytes were changed`, 'TOTAL_FAILED', 'HASH_FAILURE'));
  else findings.push(pass('digest', `${hash} of the stamped ranges matches the token's message imprint`));
  if (hash === 'sha1') findings.push(fail('digest', 'SHA-1 is no longer accepted for time-stamps', 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE'));
  if (signatureProblems.length) findings.push(fail('signature-value', "the TSA's signature on the token does not verify", 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE'));
  if (usageProblems.length) findings.push(fail('key-usage', usageProblems.join('; '), 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE'));
  if (otherProblems.length) findings.push(fail('timestamp', `the token is not a sound time-stamp: ${otherProblems.join('; ')}`, 'TOTAL_FAILED', 'FORMAT_FAILURE'));
  if (!info || !check.tsaCertificate) return report({ timestamp: summary(false) });

  // The TSA's chain to an anchor, its validity at the token's time and its revocation, as for a signer.
  const chainCtx: ChainContext = { pool: [...check.certificates, ...ctx.embeddedCertificates], anchors: ctx.anchors, crls: ctx.crls, ocspResponses: ctx.ocspResponses, signingTime: info.genTime, hasPoe: true, validationTime: ctx.validationTime, requireRevocation: ctx.requireRevocation, noteUnknownRevocation: ctx.noteUnknownRevocation };
  findings.push(...checkCertificate(check.tsaCertificate, chainCtx, 'signer').findings);
  findings.push(input.coversWholeFile ? pass('later-revisions', 'the time-stamp covers the whole file') : laterRevisionFinding(ctx, input.signedLength));
  const valid = !findings.some((finding) => finding.check.status === 'fail');
  return report({ signingTime: info.genTime.toISOString(), signingTimeSource: 'timestamp', timestamp: summary(valid) });
}

/** verifyTimestampToken's problems by the verdict each implies: imprint, TSA signature, TSA key usage, the rest. */
function sortProblems(problems: readonly string[]): [string[], string[], string[], string[]] {
  const imprint = problems.filter((problem) => problem.includes('message imprint'));
  const signature = problems.filter((problem) => problem.includes('signature does not verify'));
  const usage = problems.filter((problem) => problem.includes('extended key usage'));
  const other = problems.filter((problem) => ![...imprint, ...signature, ...usage].includes(problem));
  return [imprint, signature, usage, other];
}
