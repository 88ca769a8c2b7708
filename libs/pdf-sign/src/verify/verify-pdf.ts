import { type ParsedCertificate, type ParsedCrl, parseCertificatesPem, parseCrlsPem } from '@edoc/pki';
import { BufferSource } from '../core/byte-source';
import { PdfDocument } from '../core/pdf-document';
import { PdfSignError } from '../errors';
import { findSignatures } from './find-signatures';
import type { TrustOptions, VerificationReport } from './report-types';
import { verifySignature } from './verify-signature';

/**
 * Verifies every signature of a PDF against the given trust anchors and CRLs. A file that cannot
 * be read at all (not a PDF, encrypted, broken xref) throws PdfSignError; everything about the
 * signatures themselves is in the report.
 */
export function verifyPdf(pdf: Buffer, trust: TrustOptions): VerificationReport {
  if (!Buffer.isBuffer(pdf)) throw new PdfSignError('BAD_ARGUMENT', 'the PDF must be given as a Buffer');
  if (!trust || !Array.isArray(trust.anchorsPem) || trust.anchorsPem.length === 0) throw new PdfSignError('BAD_ARGUMENT', 'at least one trust anchor (CA certificate PEM) is required');
  const anchors: ParsedCertificate[] = trust.anchorsPem.flatMap((pem) => parseCertificatesPem(pem, 'trust anchor'));
  const crls: ParsedCrl[] = (trust.crlsPem ?? []).flatMap((pem) => parseCrlsPem(pem, 'CRL'));
  const source = new BufferSource(pdf);
  const final = PdfDocument.open(source);
  const ctx = { source, final, anchors, crls, validationTime: trust.at ?? new Date(), requireRevocation: trust.requireRevocation ?? false };
  const signatures = findSignatures(final).map((s) => verifySignature(s, ctx));
  return { signatures, valid: signatures.length > 0 && signatures.every((s) => s.indication === 'TOTAL_PASSED'), fileLength: pdf.length };
}

/** Process exit code for `edoc verify`: 0 all passed, 1 any failed, 2 otherwise (indeterminate or no signature). */
export function exitCodeFor(report: VerificationReport): 0 | 1 | 2 {
  if (report.signatures.some((s) => s.indication === 'TOTAL_FAILED')) return 1;
  if (report.signatures.length > 0 && report.signatures.every((s) => s.indication === 'TOTAL_PASSED')) return 0;
  return 2;
}
