import { PkiError } from '../errors';
import { fetchBounded } from '../http/fetch-bounded';
import { pemBlocks } from '../asn1/pem';
import { type ParsedCrl, parseCrl } from './parse-crl';

export interface CrlFetchOptions {
  readonly timeoutMs?: number;
  /** A national CA's CRL may run to megabytes; past this it is refused as it arrives. */
  readonly maxBytes?: number;
}

/**
 * Fetches the CRL at a distribution point (HTTP GET, RFC 5280 4.2.1.13), DER as the RFC says or
 * PEM as some CAs publish it. Whether the CRL is signed by the right CA is for the caller, who
 * knows the issuer.
 */
export async function fetchCrl(url: string, opts: CrlFetchOptions = {}): Promise<ParsedCrl> {
  const fail = (reason: string) => new PkiError('BAD_CRL', `CRL at ${url}: ${reason}`);
  const body = await fetchBounded(url, { headers: { accept: 'application/pkix-crl' } }, { timeoutMs: opts.timeoutMs ?? 10_000, maxBytes: opts.maxBytes ?? 32 * 1024 * 1024 }, fail);
  try {
    const pem = body.subarray(0, 64).toString('latin1').includes('-----BEGIN') ? pemBlocks(body.toString('latin1'), 'X509 CRL')[0] : undefined;
    return parseCrl(pem ?? body);
  } catch (error) {
    throw fail((error as Error).message);
  }
}
