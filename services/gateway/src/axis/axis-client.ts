import { Injectable } from '@nestjs/common';
import type { PostFailure } from '../domain/retry-schedule';
import { AxisConfig } from './axis-config';

/** A message the axis holds for units of this exchange. */
export interface AxisMessage {
  id: string;
  kind: 'package' | 'status';
}

export type PostOutcome = { kind: 'accepted'; remoteId: string } | PostFailure;

export class AxisUnavailableError extends Error {}

/** Thrown when the axis gives more bytes than a message of its kind may have. */
export class AxisTooLargeError extends Error {}

/**
 * The national axis over HTTP (docs/axis-gateway.md): post a package or a status message, list
 * what it holds for our units, fetch one, and tell it a message was taken. Every call has a
 * deadline; a response is read up to a limit, never whole into memory whatever its size.
 */
@Injectable()
export class AxisClient {
  constructor(private readonly config: AxisConfig) {}

  get configured(): boolean {
    return this.config.url !== undefined;
  }

  /**
   * 2xx: accepted. 409: the axis has it already (an earlier attempt got through before its answer
   * was lost), also accepted. 408, 429, 5xx, a network failure or no answer in time: try again.
   * Any other 4xx: the axis refuses it, and trying again would not change that.
   */
  async post(kind: 'package' | 'status', messageId: string, body: Buffer): Promise<PostOutcome> {
    let response: Response;
    try {
      response = await this.call(kind === 'package' ? '/packages' : '/statuses', {
        method: 'POST',
        headers: { 'content-type': 'application/xml; charset=utf-8', 'x-edoc-message-id': messageId },
        body,
      });
    } catch (error) {
      return { kind: 'retry', reason: (error as Error).message };
    }
    const text = await readText(response, 64 * 1024).catch(() => '');
    if (response.ok || response.status === 409) return { kind: 'accepted', remoteId: remoteIdOf(text) ?? messageId };
    const reason = `HTTP ${response.status}${text.trim() === '' ? '' : `: ${text.trim().slice(0, 300)}`}`;
    if (response.status === 408 || response.status === 429 || response.status >= 500) return { kind: 'retry', reason };
    return { kind: 'refused', reason };
  }

  /** What the axis holds for `organs`, oldest first. */
  async received(organs: readonly string[]): Promise<AxisMessage[]> {
    const response = await this.expectOk(await this.call(`/received?to=${encodeURIComponent(organs.join(','))}`, { method: 'GET' }), 'list');
    const body = JSON.parse(await readText(response, 4 * 1024 * 1024)) as { messages?: unknown };
    if (!Array.isArray(body.messages)) throw new AxisUnavailableError('the axis listed no "messages" array');
    return body.messages.flatMap((m: unknown) => {
      const { id, kind } = (m ?? {}) as { id?: unknown; kind?: unknown };
      return typeof id === 'string' && /^[\w.:-]{1,200}$/.test(id) && (kind === 'package' || kind === 'status') ? [{ id, kind }] : [];
    });
  }

  async fetch(id: string, maxBytes: number): Promise<Buffer> {
    const response = await this.expectOk(await this.call(`/received/${encodeURIComponent(id)}`, { method: 'GET' }), `fetch ${id}`);
    return readBytes(response, maxBytes);
  }

  /** The message is ours now: the axis stops offering it. */
  async done(id: string): Promise<void> {
    await this.expectOk(await this.call(`/received/${encodeURIComponent(id)}/done`, { method: 'POST' }), `done ${id}`);
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    if (this.config.url === undefined) throw new AxisUnavailableError('no axis is configured (EDOC_AXIS_URL)');
    const headers = new Headers(init.headers);
    if (this.config.token !== undefined) headers.set('authorization', `Bearer ${this.config.token}`);
    try {
      return await fetch(`${this.config.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(this.config.timeoutMs), redirect: 'error' });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new AxisUnavailableError(`${init.method ?? 'GET'} ${path}: ${(error as Error).name === 'TimeoutError' ? `no answer in ${this.config.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message)}`);
    }
  }

  private async expectOk(response: Response, what: string): Promise<Response> {
    if (response.ok) return response;
    const text = await readText(response, 4096).catch(() => '');
    throw new AxisUnavailableError(`${what}: HTTP ${response.status} ${text.trim().slice(0, 200)}`);
  }
}

function remoteIdOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' && id !== '' ? id.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

async function readText(response: Response, maxBytes: number): Promise<string> {
  return (await readBytes(response, maxBytes)).toString('utf8');
}

/** Reads the body up to `maxBytes`; one byte more and the rest is not read. */
async function readBytes(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new AxisTooLargeError(`${declared} bytes, more than ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AxisTooLargeError(`more than ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, size);
}
