import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { TokenSource } from '@edoc/identity-client';
import { tokenSourceFor, type AuthOptions } from '../auth/token-sources';

/** Options every command that talks to the HTTP API accepts. */
export interface ApiOptions extends AuthOptions {
  url?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A thin client of an edoc service's HTTP API (intake's by default). The access token comes from
 * --token, --as USER (a demo user), EDOC_TOKEN, or the session of `edoc login`; a token refused
 * as expired is renewed once and the request sent again.
 */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly tokens: TokenSource;

  constructor(options: ApiOptions) {
    this.baseUrl = (options.url ?? process.env.EDOC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
    this.tokens = tokenSourceFor(options);
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'content-type': 'application/json' });
    return (await response.json()) as T;
  }

  async form<T>(path: string, form: FormData, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.send('POST', path, form, headers);
    return (await response.json()) as T;
  }

  async bytes(path: string): Promise<Buffer> {
    const response = await this.send('GET', path, undefined, {});
    return Buffer.from(await response.arrayBuffer());
  }

  /** The body as it arrives, for files too big to hold: a document may be hundreds of MB. */
  async stream(path: string): Promise<Readable> {
    const response = await this.send('GET', path, undefined, {});
    return response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  private async send(method: string, path: string, body: string | FormData | undefined, headers: Record<string, string>): Promise<Response> {
    let response = await this.fetch(method, path, body, headers, await this.token());
    if (response.status === 401) {
      await response.body?.cancel().catch(() => undefined);
      response = await this.fetch(method, path, body, headers, await this.token(true));
    }
    if (!response.ok) {
      const text = await response.text();
      let reason = text;
      try {
        const parsed = JSON.parse(text) as { message?: unknown };
        reason = Array.isArray(parsed.message) ? parsed.message.join('; ') : String(parsed.message ?? text);
      } catch {
        // not JSON: keep the text as it is
      }
      throw new ApiError(response.status, `${method} ${path}: ${response.status} ${reason}`);
    }
    return response;
  }

  private async fetch(method: string, path: string, body: string | FormData | undefined, headers: Record<string, string>, token: string): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, { method, body, headers: { ...headers, authorization: `Bearer ${token}` } });
    } catch (error) {
      throw new ApiError(0, `cannot reach ${this.baseUrl} (${(error as Error).cause ?? (error as Error).message}); is the exchange running (npm start)?`);
    }
  }

  private async token(renew = false): Promise<string> {
    try {
      return renew ? await this.tokens.renew() : await this.tokens.token();
    } catch (error) {
      throw new ApiError(401, (error as Error).message);
    }
  }
}
