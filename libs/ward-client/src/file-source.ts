import type { FileRef } from '@edoc/contracts';
import { fixedToken, type TokenSource } from '@edoc/identity-client';
import { FileFetchError } from './errors';

/** Where a ward gets the bytes a claim check names; the HTTP API in production, a fake in tests. */
export interface FileSource {
  /** The raw bytes served for `ref` (not yet checked), at most `ref.size` + 1 of them. */
  fetch(downloadPath: string, ref: FileRef): Promise<Buffer>;
}

export interface HttpFileSourceOptions {
  /** edoc's intake HTTP API, e.g. https://edoc.example.gov.vn or http://127.0.0.1:3000. */
  baseUrl: string;
  /**
   * The ward-system user's access token, or (for a ward that runs for hours) a source that keeps
   * one fresh: access tokens live minutes (see @edoc/identity-client's SessionTokenSource).
   */
  token: string | TokenSource;
  /** Per file; default 60 s. */
  timeoutMs?: number;
}

/** Paths like "/files": the message names a path on the configured server, never a host. */
const SAFE_PATH = /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

/**
 * Fetches `GET <baseUrl><downloadPath>/<sha256>` with the ward's bearer token. The token only
 * ever goes to the configured server: a message cannot name another host. A body longer than
 * the claim check says is cut off, so a wrong answer cannot exhaust memory.
 */
export class HttpFileSource implements FileSource {
  private readonly baseUrl: string;
  private readonly tokens: TokenSource;

  constructor(private readonly opts: HttpFileSourceOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new Error(`invalid edoc URL "${opts.baseUrl}": expected http(s)://host[:port]`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`invalid edoc URL "${opts.baseUrl}": the scheme must be http or https`);
    if (typeof opts.token === 'string' ? opts.token.trim() === '' : typeof opts.token?.token !== 'function') throw new Error('no token for the edoc HTTP API: give the JWT of the ward-system user, or a token source');
    this.tokens = typeof opts.token === 'string' ? fixedToken(opts.token) : opts.token;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  async fetch(downloadPath: string, ref: FileRef): Promise<Buffer> {
    if (!SAFE_PATH.test(downloadPath) || downloadPath.split('/').includes('..')) {
      throw new FileFetchError(`refusing download path "${downloadPath}": expected an absolute path such as /files`, 0);
    }
    const url = `${this.baseUrl}${downloadPath}/${ref.sha256}`;
    const limit = Number(ref.size) + 1;
    let response = await this.get(url, await this.token(url, false));
    if (response.status === 401 && typeof this.opts.token !== 'string') {
      // The access token expired or its session ended: a fresh one, once.
      await response.body?.cancel().catch(() => undefined);
      response = await this.get(url, await this.token(url, true));
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).slice(0, 300);
      throw new FileFetchError(`GET ${url}: ${response.status} ${reasonOf(text)}`, response.status);
    }
    return readAtMost(response, limit, url);
  }

  private async get(url: string, token: string): Promise<Response> {
    try {
      return await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000) });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new FileFetchError(`GET ${url} failed: ${cause}`, 0);
    }
  }

  private async token(url: string, renew: boolean): Promise<string> {
    try {
      return renew ? await this.tokens.renew() : await this.tokens.token();
    } catch (error) {
      throw new FileFetchError(`GET ${url}: no access token (${error instanceof Error ? error.message : String(error)})`, 401);
    }
  }
}

async function readAtMost(response: Response, limit: number, url: string): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      chunks.push(Buffer.from(value));
      if (total >= limit) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch (error) {
    throw new FileFetchError(`GET ${url}: the download broke off after ${total} bytes (${error instanceof Error ? error.message : String(error)})`, 0);
  }
  return Buffer.concat(chunks, total);
}

function reasonOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
    if (Array.isArray(parsed.message)) return parsed.message.join('; ');
  } catch {
    // not JSON: the text itself is the reason
  }
  return text;
}
