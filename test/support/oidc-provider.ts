import { join, resolve } from 'node:path';
import { waitFor } from '@edoc/testing';
import { ChildWatch } from './child-watch';

const SCRIPT = resolve(__dirname, 'oidc-provider-process.mjs');

export interface ProviderAccount {
  claims: Record<string, unknown>;
  /** An id_token re-signed by the provider with a wrong audience, or expired. */
  misbehave?: 'wrong-audience' | 'expired';
}

export interface TestProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: Record<string, ProviderAccount>;
  logFolder: string;
  /** The issuer's host: "localhost" puts the provider on another site than edoc's 127.0.0.1, as in a district. */
  host?: '127.0.0.1' | 'localhost';
}

/** The oidc-provider child (test/support/oidc-provider-process.mjs): its issuer URL while it runs. */
export class TestOidcProvider {
  private constructor(
    readonly issuer: string,
    private readonly watch: ChildWatch,
  ) {}

  static async start(opts: TestProviderOptions): Promise<TestOidcProvider> {
    let issuer: string | undefined;
    const watch = ChildWatch.spawn({
      name: 'OpenID provider',
      command: process.execPath,
      args: [SCRIPT],
      env: {
        ...process.env,
        OIDC_TEST_CLIENT_ID: opts.clientId,
        OIDC_TEST_CLIENT_SECRET: opts.clientSecret,
        OIDC_TEST_REDIRECT_URI: opts.redirectUri,
        OIDC_TEST_ACCOUNTS: JSON.stringify(opts.accounts),
        OIDC_TEST_HOST: opts.host ?? '127.0.0.1',
      },
      logFile: join(opts.logFolder, 'oidc-provider.log'),
    });
    watch.onLine((line) => {
      const match = /^issuer (\S+)$/.exec(line);
      if (match !== null) issuer = match[1];
    });
    await waitFor('the OpenID provider to listen', () => issuer, { timeoutMs: 30_000, intervalMs: 50, failFast: () => watch.assertAlive() });
    return new TestOidcProvider(issuer as string, watch);
  }

  assertAlive(): void {
    this.watch.assertAlive();
  }

  async stop(): Promise<void> {
    await this.watch.stop('SIGTERM', { killAfterMs: 5_000 });
  }
}

/** Cookies per origin, by name: enough of a browser to walk a sign-in's redirects. */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  header(url: string): string | undefined {
    const cookies = this.byOrigin.get(new URL(url).origin);
    return cookies === undefined || cookies.size === 0 ? undefined : [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(url: string, response: Response): void {
    const origin = new URL(url).origin;
    const cookies = this.byOrigin.get(origin) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (gone) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.byOrigin.set(origin, cookies);
  }

  value(origin: string, name: string): string | undefined {
    return this.byOrigin.get(new URL(origin).origin)?.get(name);
  }

  /** GET without following redirects, sending and keeping the cookies. */
  async get(url: string): Promise<Response> {
    const cookie = this.header(url);
    const response = await fetch(url, { redirect: 'manual', headers: { 'accept-language': 'en', ...(cookie === undefined ? {} : { cookie }) } });
    this.keep(url, response);
    return response;
  }

  /** Follows redirects from `url` until an answer that is not one, or until `stopAt` matches the next address. */
  async follow(url: string, stopAt?: (next: string) => boolean): Promise<{ url: string; response: Response }> {
    let current = url;
    for (let hop = 0; hop < 10; hop++) {
      const response = await this.get(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return { url: current, response };
      const next = new URL(location, current).href;
      if (stopAt?.(next) === true) return { url: next, response };
      current = next;
    }
    throw new Error(`more than 10 redirects from ${url}`);
  }
}
