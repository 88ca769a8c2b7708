import { PkiError } from '../errors';

/** PKCS#11 return values (CKR_*) that mean "the device is not there right now", not "this will never work". */
const UNAVAILABLE = /CKR_(DEVICE_ERROR|DEVICE_REMOVED|DEVICE_MEMORY|TOKEN_NOT_PRESENT|TOKEN_NOT_RECOGNIZED|SESSION_HANDLE_INVALID|SESSION_CLOSED|CRYPTOKI_NOT_INITIALIZED|FUNCTION_FAILED|GENERAL_ERROR)/;

/** A PkiError with a code callers act on, from what pkcs11js threw; never the PIN. */
export function pkcs11Error(error: unknown, doing: string): PkiError {
  if (error instanceof PkiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/CKR_PIN_INCORRECT/.test(message)) return new PkiError('PIN_INCORRECT', `${doing}: the token refused the PIN`);
  if (/CKR_PIN_LOCKED/.test(message)) return new PkiError('PIN_LOCKED', `${doing}: the token's PIN is locked (too many wrong PINs); its security officer must unlock it`);
  if (UNAVAILABLE.test(message)) return new PkiError('TOKEN_UNAVAILABLE', `${doing}: the token did not answer (${message})`);
  return new PkiError('BAD_ARGUMENT', `${doing}: ${message}`);
}

export function isTokenUnavailable(error: unknown): boolean {
  return error instanceof PkiError && error.code === 'TOKEN_UNAVAILABLE';
}
