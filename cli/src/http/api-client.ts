import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';

/** Options every command that talks to the HTTP API accepts. */
export interface ApiOptions {
  url?: string;
  token?: string;
  as?: string;
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
 * A thin client of intake's HTTP API. The token comes from --token, EDOC_TOKEN, or --as USER,
 * which picks the demo user's token that `edoc up` wrote into the data folder.
 */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(options: ApiOptions) {
    this.baseUrl = (options.url ?? process.env.EDOC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
    this.token = resolveToken(options);
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

  private async send(method: string, path: string, body: string | FormData | undefined, headers: Record<string, string>): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method, body, headers: { ...headers, authorization: `Bearer ${this.token}` } });
    } catch (error) {
      throw new ApiError(0, `cannot reach ${this.baseUrl} (${(error as Error).cause ?? (error as Error).message}); is the exchange running (npm start)?`);
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
}

function resolveToken(options: ApiOptions): string {
  if (options.token) return options.token;
  if (options.as) return demoToken(options.as);
  if (process.env.EDOC_TOKEN) return process.env.EDOC_TOKEN;
  throw new ApiError(0, 'no token: pass --token, set EDOC_TOKEN, or use --as USER with a demo user (see `edoc up`)');
}

/** Demo tokens are written by `edoc up` / `edoc provision` into <data dir>/demo-tokens.json. */
export function demoToken(username: string): string {
  const file = join(loadConfig().dataDir, 'demo-tokens.json');
  if (!existsSync(file)) throw new ApiError(0, `no demo tokens at ${file}: run \`npm start\` (or \`edoc provision\`) first`);
  const tokens = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { token: string }>;
  const entry = tokens[username];
  if (entry === undefined) throw new ApiError(0, `no demo user "${username}"; known: ${Object.keys(tokens).slice(0, 8).join(', ')}, ...`);
  return entry.token;
}
