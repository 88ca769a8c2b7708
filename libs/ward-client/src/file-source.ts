import type { FileRef } from '@edoc/contracts';
import { FileFetchError } from './errors';

/** Where a ward gets the bytes a claim check names; the HTTP API in production, a fake in tests. */
export interface FileSource {
  /** The raw bytes served for `ref` (not yet checked), at most `ref.size` + 1 of them. */
  fetch(downloadPath: string, ref: FileRef): Promise<Buffer>;
}

export interface HttpFileSourceOptions {
  /** edoc's intake HTTP API, e.g. https://edoc.example.gov.vn or http://127.0.0.1:3000. */
  baseUrl: string;
  /** JWT of the ward's ward-system user. */
  token: string;
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

  constructor(private readonly opts: HttpFileSourceOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new Error(`invalid edoc URL "${opts.baseUrl}": expected http(s)://host[:port]`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`invalid edoc URL "${opts.baseUrl}": the scheme must be http or https`);
    if (typeof opts.token !== 'string' || opts.token.trim() === '') throw new Error('no token for the edoc HTTP API: give the JWT of the ward-system user');
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  async fetch(downloadPath: string, ref: FileRef): Promise<Buffer> {
    if (!SAFE_PATH.test(downloadPath) || downloadPath.split('/').includes('..')) {
      throw new FileFetchError(`refusing download path "${downloadPath}": expected an absolute path such as /files`, 0);
    }
    const url = `${this.baseUrl}${downloadPath}/${ref.sha256}`;
    const limit = Number(ref.size) + 1;
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${this.opts.token}` }, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000) });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new FileFetchError(`GET ${url} failed: ${cause}`, 0);
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).slice(0, 300);
      throw new FileFetchError(`GET ${url}: ${response.status} ${reasonOf(text)}`, response.status);
    }
    return readAtMost(response, limit, url);
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
