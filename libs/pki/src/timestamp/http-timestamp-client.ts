import { randomBytes } from 'node:crypto';
import { OID_BY_HASH } from '../asn1/oids';
import { parseSignedData } from '../cms/parse-signed-data';
import { PkiError } from '../errors';
import { buildTimeStampRequest, parseTimeStampResponse, parseTstInfo } from './timestamp-messages';
import type { TimestampProvider } from './timestamp-provider';

export interface HttpTimestampClientOptions {
  readonly timeoutMs?: number;
  readonly policyOid?: string;
  /** Extra request headers, e.g. Authorization for a commercial TSA. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Token size to reserve in the PDF placeholder (tokens with a long chain can be large). */
  readonly estimatedTokenSize?: number;
}

/** An RFC 3161 client over HTTP(S) (RFC 3161 section 3.4, application/timestamp-query). */
export class HttpTimestampClient implements TimestampProvider {
  private readonly safeUrl: string;
  private readonly requestUrl: string;
  private readonly authorization: Record<string, string> = {};

  constructor(
    url: string,
    private readonly options: HttpTimestampClientOptions = {},
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new PkiError('BAD_ARGUMENT', 'time-stamp authority URL is not a valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new PkiError('BAD_ARGUMENT', `time-stamp authority URL must be http or https, not ${parsed.protocol}`);
    if (parsed.username || parsed.password) {
      // fetch refuses credentials in the URL: send them as Basic authentication instead.
      const user = decodeURIComponent(parsed.username);
      const pass = decodeURIComponent(parsed.password);
      this.authorization = { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
      parsed.username = '';
      parsed.password = '';
    }
    this.requestUrl = parsed.toString();
    this.safeUrl = this.requestUrl;
  }

  estimatedTokenSize(): number {
    return this.options.estimatedTokenSize ?? 12_000;
  }

  async timestamp(messageImprint: Buffer, hashAlgorithm: 'sha256'): Promise<Buffer> {
    const nonce = randomBytes(8);
    nonce[0] &= 0x7f;
    const body = buildTimeStampRequest({ hash: hashAlgorithm, hashOid: OID_BY_HASH[hashAlgorithm], hashedMessage: messageImprint, nonce, certReq: true, policy: this.options.policyOid });
    let response: Response;
    try {
      response = await fetch(this.requestUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply', ...this.authorization, ...this.options.headers },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const reason = (e as Error).name === 'TimeoutError' ? 'timed out' : ((e as { cause?: Error }).cause?.message ?? (e as Error).message);
      throw new PkiError('TIMESTAMP_FAILED', `time-stamp authority ${this.safeUrl} unreachable: ${reason}`);
    }
    if (!response.ok) throw new PkiError('TIMESTAMP_FAILED', `time-stamp authority ${this.safeUrl} answered HTTP ${response.status}`);
    const der = Buffer.from(await response.arrayBuffer());
    let token: Buffer | undefined;
    try {
      const resp = parseTimeStampResponse(der);
      if (resp.status !== 0 && resp.status !== 1) {
        throw new PkiError('TIMESTAMP_FAILED', `time-stamp authority ${this.safeUrl} refused the request (status ${resp.status}${resp.failInfo.length ? `, ${resp.failInfo.join(', ')}` : ''}${resp.statusText ? `: ${resp.statusText}` : ''})`);
      }
      token = resp.token;
      if (!token) throw new PkiError('TIMESTAMP_FAILED', `time-stamp authority ${this.safeUrl} granted the request but sent no token`);
      const signed = parseSignedData(token);
      const info = parseTstInfo(signed.eContent ?? Buffer.alloc(0));
      if (!info.hashedMessage.equals(messageImprint)) throw new PkiError('TIMESTAMP_FAILED', `time-stamp authority ${this.safeUrl} stamped a different digest`);
      if (!info.nonceHex || BigInt(`0x${info.nonceHex}`) !== BigInt(`0x${nonce.toString('hex')}`)) throw new PkiError('TIMESTAMP_FAILED', `time-stamp authority ${this.safeUrl} did not echo the request nonce`);
    } catch (e) {
      if (e instanceof PkiError && e.code === 'TIMESTAMP_FAILED') throw e;
      throw new PkiError('TIMESTAMP_FAILED', `time-stamp authority ${this.safeUrl} sent an unreadable reply: ${(e as Error).message}`);
    }
    return token;
  }
}
