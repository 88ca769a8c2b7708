/** What the identity service answers to a sign-in or a refresh (POST /auth/login, /auth/refresh). */
export interface TokenPair {
  accessToken: string;
  accessExpiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  sessionId: string;
  user: { username: string; displayName: string; orgCode: string; roles: string[] };
}

/** A refusal of the identity service, with its HTTP status (0: not reached) and reason. */
export class IdentityError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds to wait, from the answer's Retry-After (a 429 or a 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}

/** The identity service's sign-in API, for programs (the CLI, ward systems, tests). */
export class IdentityClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  login(username: string, password: string): Promise<TokenPair> {
    return this.post<TokenPair>('/auth/login', { username, password });
  }

  refresh(refreshToken: string): Promise<TokenPair> {
    return this.post<TokenPair>('/auth/refresh', { refreshToken });
  }

  async logout(accessToken: string): Promise<void> {
    await this.post('/auth/logout', undefined, accessToken);
  }

  private async post<T>(path: string, body: unknown, bearer?: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      throw new IdentityError(0, `cannot reach the identity service at ${this.baseUrl} (${cause?.message ?? (error as Error).message})`);
    }
    const text = await response.text();
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new IdentityError(response.status, `${path}: ${response.status} ${reasonOf(text)}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

function reasonOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (Array.isArray(parsed.message)) return parsed.message.join('; ');
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text is the reason
  }
  return text.slice(0, 300);
}
