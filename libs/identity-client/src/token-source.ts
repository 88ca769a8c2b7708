import { IdentityClient, IdentityError, type TokenPair } from './identity-client';

/** Hands out an access token that is valid now; `renew` after the server refused the last one. */
export interface TokenSource {
  token(): Promise<string>;
  /** The token just used was refused (401): forget it and get another. */
  renew(): Promise<string>;
}

/** A fixed token (--token, EDOC_TOKEN): it cannot be renewed. */
export function fixedToken(token: string): TokenSource {
  return {
    token: async () => token,
    renew: async () => {
      throw new IdentityError(401, 'the given token was refused and cannot be renewed: sign in again or give a fresh one');
    },
  };
}

export interface SessionTokenSourceOptions {
  client: IdentityClient;
  /** Where the pair came from and goes back to (e.g. the CLI's credentials file); default: memory only. */
  load?: () => Promise<TokenPair | undefined>;
  save?: (pair: TokenPair) => Promise<void>;
  /** How to sign in again once the session is over (a ward system's password); none: the failure is reported. */
  signIn?: () => Promise<TokenPair>;
  /** Runs a renewal exclusively among the processes sharing `load`/`save` (a file lock): a refresh token is good once. */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Renew this long before the access token expires; default 30 s. */
  marginMs?: number;
  now?: () => number;
}

/**
 * Keeps an access token fresh for as long as a program runs: before it expires the refresh token
 * buys a new pair (each refresh token is good once; the new pair replaces it), and when the session
 * itself is over (expired, signed out, revoked) it signs in again if it knows how. Concurrent
 * callers share one renewal, so a refresh token is never presented twice by this process.
 */
export class SessionTokenSource implements TokenSource {
  private pair: TokenPair | undefined;
  private renewing: Promise<TokenPair> | undefined;

  constructor(private readonly options: SessionTokenSourceOptions) {}

  static signedIn(client: IdentityClient, pair: TokenPair, signIn?: () => Promise<TokenPair>): SessionTokenSource {
    const source = new SessionTokenSource({ client, ...(signIn === undefined ? {} : { signIn }) });
    source.pair = pair;
    return source;
  }

  current(): TokenPair | undefined {
    return this.pair;
  }

  async token(): Promise<string> {
    this.pair ??= await this.options.load?.();
    if (this.pair !== undefined && !this.expiring(this.pair)) return this.pair.accessToken;
    return (await this.renewOnce()).accessToken;
  }

  async renew(): Promise<string> {
    return (await this.renewOnce()).accessToken;
  }

  private expiring(pair: TokenPair): boolean {
    const now = this.options.now?.() ?? Date.now();
    return Date.parse(pair.accessExpiresAt) - (this.options.marginMs ?? 30_000) <= now;
  }

  private renewOnce(): Promise<TokenPair> {
    const exclusive = this.options.exclusive ?? ((work) => work());
    this.renewing ??= exclusive(() => this.fetchPair()).finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async fetchPair(): Promise<TokenPair> {
    // Another process may have refreshed the stored pair meanwhile: start from the newest one.
    const stored = (await this.options.load?.()) ?? this.pair;
    let next: TokenPair | undefined;
    if (stored !== undefined && stored !== this.pair && !this.expiring(stored)) next = stored;
    if (next === undefined && stored !== undefined) {
      try {
        next = await this.options.client.refresh(stored.refreshToken);
      } catch (error) {
        if (!(error instanceof IdentityError) || error.status !== 401 || this.options.signIn === undefined) throw error;
      }
    }
    if (next === undefined) {
      if (this.options.signIn === undefined) throw new IdentityError(401, 'not signed in: run `edoc login`');
      next = await this.options.signIn();
    }
    this.pair = next;
    await this.options.save?.(next);
    return next;
  }
}
