/**
 * Every refusal of this library is a PdfSignError with a stable code and a message that names the
 * problem. Nothing is written when one is thrown.
 */
export type PdfSignErrorCode =
  | 'NOT_A_PDF'
  | 'TRUNCATED_PDF'
  | 'BROKEN_XREF'
  | 'MALFORMED_PDF'
  | 'ENCRYPTED_PDF'
  | 'UNSUPPORTED_PDF'
  | 'BAD_ARGUMENT'
  | 'BAD_IMAGE'
  | 'MISSING_GLYPH'
  | 'SIGNATURE_TOO_LARGE'
  | 'TIMESTAMP_FAILED'
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
