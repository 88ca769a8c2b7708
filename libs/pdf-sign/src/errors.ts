/**
 * Every refusal of this library is a PdfSignError with a stable code and a message that names the
 * problem. Nothing is written when one is thrown.
 */
export type PdfSignErrorCode =
  | 'NOT_A_PDF'
  | 'TRUNCATED_PDF'
  | 'BROKEN_XREF'
  | 'MALFORMED_PDF'
  /** Arrays, dictionaries, page-tree levels or nested object look-ups deeper than the budget allows. */
  | 'NESTING_TOO_DEEP'
  /** Objects that refer to themselves in a way no reader can resolve (a /Parent loop, a chain of references). */
  | 'REFERENCE_CYCLE'
  /** The document needs more decompressed bytes, objects or signatures than its ReadBudget allows. */
  | 'BUDGET_EXCEEDED'
  | 'ENCRYPTED_PDF'
  | 'UNSUPPORTED_PDF'
  /** The cross-reference data is damaged and the file is signed: rebuilding it would break the signature. */
  | 'DAMAGED_SIGNED_PDF'
  /** A rewrite was asked for (stripping active content) on a signed file, whose signatures it would break. */
  | 'WOULD_BREAK_SIGNATURE'
  | 'BAD_ARGUMENT'
  | 'BAD_IMAGE'
  | 'MISSING_GLYPH'
  | 'SIGNATURE_TOO_LARGE'
  | 'TIMESTAMP_FAILED'
  /** An external signature does not verify with the certificate, or the prepared file changed since. */
  | 'SIGNATURE_MISMATCH'
  | 'IO_ERROR';

export class PdfSignError extends Error {
  constructor(
    readonly code: PdfSignErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PdfSignError';
  }
}
