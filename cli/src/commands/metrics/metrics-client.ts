import type { TokenSource } from '@edoc/identity-client';
import { tokenSourceFor } from '../../auth/token-sources';
import { ApiError, ApiOptions } from '../../http/api-client';

export interface MetricsOptions extends ApiOptions {
  metricsUrl?: string;
}

/** The metrics service's HTTP API, with the same token as the intake calls (--token, --as, EDOC_TOKEN or `edoc login`). */
export class MetricsClient {
  private readonly baseUrl: string;
  private readonly tokens: TokenSource;

  constructor(options: MetricsOptions) {
    this.baseUrl = (options.metricsUrl ?? process.env.EDOC_METRICS_URL ?? 'http://127.0.0.1:3004').replace(/\/$/, '');
    this.tokens = tokenSourceFor(options);
  }

  async request<T>(method: string, path: string, body?: { contentType: string; bytes: Buffer }): Promise<T> {
    let token: string;
    try {
      token = await this.tokens.token();
    } catch (error) {
      throw new ApiError(401, (error as Error).message);
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': body.contentType }) },
        body: body?.bytes,
      });
    } catch (error) {
      throw new ApiError(0, `cannot reach the metrics service at ${this.baseUrl} (${(error as Error).cause ?? (error as Error).message}); pass --metrics-url or set EDOC_METRICS_URL`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: reported below with the text
    }
    if (!response.ok) {
      const message = (parsed as { message?: unknown } | undefined)?.message;
      throw new ApiError(response.status, `${method} ${path.split('?')[0]}: ${response.status} ${Array.isArray(message) ? message.join('; ') : String(message ?? text)}`);
    }
    return parsed as T;
  }
}
