import { type ParsedCertificate, type ParsedCrl, type RevocationLookup, ocspRevocationStatus, parseCertificatesPem, parseCrlsPem, revocationStatus } from '@edoc/pki';
import type { ByteSource } from '../core/byte-source';
import { isRepairableDamage } from '../core/damage';
import { openPdf } from '../core/open-pdf';
import type { PdfDocument } from '../core/pdf-document';
import { type PdfInput, withPdfSource } from '../core/pdf-input';
import { type ReadBudget, ReadLimits } from '../core/read-budget';
import { PdfSignError } from '../errors';
import { readDss } from '../dss/read-dss';
import { findSignatures } from './find-signatures';
import type { TrustOptions, VerificationReport } from './report-types';
import type { VerifyContext } from './verify-context';
import { verifySignature } from './verify-signature';

/**
 * Verifies every signature of a PDF against the given trust anchors and CRLs. A file that cannot
 * be read at all (not a PDF, encrypted, over its read budget, truncated) throws PdfSignError;
 * everything about the signatures themselves is in the report, and so is damage to the
 * cross-reference data that had to be rebuilt to read the file (`damaged`). Given a path, the
 * file is read in blocks and the signed ranges are hashed as they are read, so memory stays flat
 * whatever the file's size.
 */
export function verifyPdf(input: PdfInput, trust: TrustOptions, budget?: ReadBudget): VerificationReport {
  return withPdfSource(input, (source) => verifySource(source, trust, budget, NOTHING_MORE));
}

/** Revocation data beside the trust options' own: already parsed, since a CRL may be megabytes. */
interface MoreRevocationData {
  readonly crls: readonly ParsedCrl[];
  readonly ocspResponses: readonly Buffer[];
  readonly noteUnknownRevocation?: (cert: ParsedCertificate, issuer: ParsedCertificate) => void;
}

const NOTHING_MORE: MoreRevocationData = { crls: [], ocspResponses: [] };

/**
 * verifyPdf, and where the revocation status of a certificate in a trusted path is unknown from
 * what is given and what the document carries, it is looked up online (`online`: CRL distribution
 * points, then OCSP) and the file verified again with what came back. A warm cache is given to
 * the first pass, so a second pass is only paid when something was fetched. The report lists the
 * fetches (`onlineRevocation`).
 */
export async function verifyPdfOnline(input: PdfInput, trust: TrustOptions, online: RevocationLookup, budget?: ReadBudget): Promise<VerificationReport> {
  const { unknown, noteUnknownRevocation } = unknownRevocations();
  const first = withPdfSource(input, (source) => verifySource(source, trust, budget, { ...online.held(), noteUnknownRevocation }));
  if (unknown.size === 0) return first;
  const fetched = (await Promise.all([...unknown.values()].map(({ cert, issuer }) => online.lookup(cert, issuer)))).flat();
  const second = withPdfSource(input, (source) => verifySource(source, trust, budget, online.held()));
  return { ...second, onlineRevocation: fetched };
}

/**
 * What a file needs beyond its own /DSS and the given CRLs to validate offline, fetched online
 * (see verifyPdfOnline): for each certificate of a trusted path whose status was unknown, its
 * issuer's certificate and the CRL or OCSP answer that now tells its status. For addValidationData,
 * so that a signature under another CA validates with the network cut off (PAdES B-LT).
 */
export async function onlineValidationData(input: PdfInput, trust: TrustOptions, online: RevocationLookup, budget?: ReadBudget): Promise<{ certificates: Buffer[]; crls: Buffer[]; ocspResponses: Buffer[] }> {
  const { unknown, noteUnknownRevocation } = unknownRevocations();
  withPdfSource(input, (source) => verifySource(source, trust, budget, { crls: [], ocspResponses: [], noteUnknownRevocation }));
  await Promise.all([...unknown.values()].map(({ cert, issuer }) => online.lookup(cert, issuer)));
  const held = online.held();
  const certificates = new Map<string, Buffer>();
  const crls = new Map<string, Buffer>();
  const ocspResponses = new Set<Buffer>();
  for (const { cert, issuer } of unknown.values()) {
    const byCrl = held.crls.filter((crl) => revocationStatus(cert, issuer, [crl]).status !== 'unknown');
    const byOcsp = byCrl.length > 0 ? [] : held.ocspResponses.filter((der) => ocspRevocationStatus(cert, issuer, [der]).status !== 'unknown');
    if (byCrl.length + byOcsp.length === 0) continue;
    certificates.set(issuer.sha256, issuer.der);
    for (const crl of byCrl) crls.set(crl.der.toString('base64'), crl.der);
    for (const der of byOcsp) ocspResponses.add(der);
  }
  return { certificates: [...certificates.values()], crls: [...crls.values()], ocspResponses: [...ocspResponses] };
}

/** The certificates of trusted paths whose revocation status a verification could not tell, each once. */
function unknownRevocations() {
  const unknown = new Map<string, { cert: ParsedCertificate; issuer: ParsedCertificate }>();
  const noteUnknownRevocation = (cert: ParsedCertificate, issuer: ParsedCertificate) => {
    if (unknown.size < MAX_LOOKUPS) unknown.set(`${cert.sha256} ${issuer.sha256}`, { cert, issuer });
  };
  return { unknown, noteUnknownRevocation };
}

/** A file's signatures name a handful of certificates; a bound keeps a hostile file from ordering hundreds of fetches. */
const MAX_LOOKUPS = 16;

function verifySource(source: ByteSource, trust: TrustOptions, budget: ReadBudget | undefined, more: MoreRevocationData): VerificationReport {
  if (!trust || !Array.isArray(trust.anchorsPem) || trust.anchorsPem.length === 0) throw new PdfSignError('BAD_ARGUMENT', 'at least one trust anchor (CA certificate PEM) is required');
  const anchors: ParsedCertificate[] = trust.anchorsPem.flatMap((pem) => parseCertificatesPem(pem, 'trust anchor'));
  const crls: ParsedCrl[] = [...(trust.crlsPem ?? []).flatMap((pem) => parseCrlsPem(pem, 'CRL')), ...more.crls];
  // One budget for the whole verification: each signature opens its revision again.
  const limits = new ReadLimits(source.length, budget);
  const context = { source, limits, anchors, crls, moreOcspResponses: more.ocspResponses, validationTime: trust.at ?? new Date(), requireRevocation: trust.requireRevocation ?? false, noteUnknownRevocation: more.noteUnknownRevocation };
  // A damaged file is read by rebuilding its cross-reference data over the same bytes, so the
  // signatures are still checked against exactly what they cover.
  const final = openPdf(source, { budget: limits, recover: true, probe: (doc) => doc.fields() });
  try {
    return reportOn(final, context);
  } catch (e) {
    // Damage met past what opening read (an object the xref misplaces): read the file rebuilt.
    if (final.damage || !isRepairableDamage(e)) throw e;
    return reportOn(openPdf(source, { budget: limits.sibling(), damage: e }), context);
  }
}

function reportOn(final: PdfDocument, { moreOcspResponses, ...context }: Omit<VerifyContext, 'final' | 'embeddedCertificates' | 'ocspResponses'> & { moreOcspResponses: readonly Buffer[] }): VerificationReport {
  const found = findSignatures(final);
  if (found.length > context.limits.maxSignatures) {
    throw new PdfSignError('BUDGET_EXCEEDED', `the file has ${found.length} signatures; at most ${context.limits.maxSignatures} are verified in one file (each hashes up to the whole file)`);
  }
  // The security store of the final revision: what a B-LT document carries to validate offline.
  const dss = readDss(final);
  const withDss = { ...context, final, crls: [...context.crls, ...dss.crls], embeddedCertificates: dss.certificates, ocspResponses: [...dss.ocspResponses, ...moreOcspResponses] };
  const signatures = found.map((s) => verifySignature(s, withDss));
  const valid = signatures.length > 0 && signatures.every((s) => s.indication === 'TOTAL_PASSED');
  return { signatures, valid, fileLength: context.source.length, ...(final.damage ? { damaged: final.damage } : {}) };
}

/** Process exit code for `edoc verify`: 0 all passed, 1 any failed, 2 otherwise (indeterminate or no signature). */
export function exitCodeFor(report: VerificationReport): 0 | 1 | 2 {
  if (report.signatures.some((s) => s.indication === 'TOTAL_FAILED')) return 1;
  if (report.signatures.length > 0 && report.signatures.every((s) => s.indication === 'TOTAL_PASSED')) return 0;
  return 2;
}
