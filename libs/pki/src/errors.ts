/**
 * Every failure of this library is a PkiError with a stable code, so callers (the CLI, the signing
 * service) can map it to a message or an HTTP status without parsing text. Messages never contain
 * key material or passwords.
 */
export type PkiErrorCode =
  | 'BAD_PEM'
  | 'BAD_DER'
  | 'BAD_CERTIFICATE'
  | 'BAD_KEY'
  | 'KEY_MISMATCH'
  | 'BAD_PKCS12'
  | 'NOT_A_CA'
  | 'UNSUPPORTED_ALGORITHM'
  | 'BAD_ARGUMENT'
  | 'BAD_CRL'
  | 'BAD_CMS'
  | 'TIMESTAMP_FAILED'
  | 'BAD_TIMESTAMP_REQUEST'
  /** PKCS#11: the token refused the PIN (counted by the token; it may lock). */
  | 'PIN_INCORRECT'
  | 'PIN_LOCKED'
  /** PKCS#11: no slot holds a token with the label asked for, or the library cannot be loaded. */
  | 'TOKEN_ABSENT'
  /** PKCS#11: the token or HSM did not answer (removed, restarting): worth trying again later. */
  | 'TOKEN_UNAVAILABLE'
  | 'KEY_NOT_FOUND'
  /** An OCSP request that cannot be read (the responder answers malformedRequest). */
  | 'BAD_OCSP_REQUEST'
  /** An OCSP response that cannot be read or must not be believed; the message says why. */
  | 'BAD_OCSP_RESPONSE';

export class PkiError extends Error {
  constructor(
    readonly code: PkiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PkiError';
  }
}
