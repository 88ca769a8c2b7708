/** The signed-in user and where the other services are, from intake's /app/api/session. */
export interface Session {
  user: { username: string; displayName: string; orgCode: string; roles: string[] };
  services: { identity: string; signing: string };
}

/** An answer of the API that is not a success: its status and the reasons it gave, each a sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reasons: string[],
  ) {
    super(reasons.join('; '));
  }
}

let services: Session['services'] | undefined;

/** The session's CSRF token, which the pages echo on every change (the cookie is readable for that). */
export function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)edoc_csrf=([^;]+)/.exec(document.cookie);
  return match?.[1];
}

/** Where the browser signs in, coming back to this page after. */
export function signInUrl(identity: string): string {
  return `${identity}/login?return=${encodeURIComponent(location.href)}`;
}

function headersFor(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  const csrf = csrfToken();
  if (method !== 'GET' && csrf !== undefined) headers['x-csrf-token'] = csrf;
  return headers;
}

/** The session's access token lives 10 minutes: a 401 renews it once with the refresh cookie, else the sign-in page. */
async function renewed(): Promise<boolean> {
  if (services === undefined) return false;
  const answer = await fetch(`${services.identity}/auth/refresh`, { method: 'POST', credentials: 'include', headers: headersFor('POST') }).catch(() => undefined);
  return answer?.ok === true;
}

function goSignIn(): never {
  location.assign(signInUrl(services?.identity ?? `${location.protocol}//${location.hostname}:3005`));
  throw new ApiError(401, ['signing in']);
}

export async function reasonsOf(answer: Response): Promise<string[]> {
  const text = await answer.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown; problems?: unknown };
    const message = body.problems ?? body.message;
    if (Array.isArray(message)) return message.map(String);
    if (typeof message === 'string') return [message];
  } catch {
    // not JSON: the text itself, if any
  }
  return [text.trim() === '' ? `HTTP ${answer.status}` : text.trim().slice(0, 300)];
}

/** A call to an edoc API with the session cookie (and its CSRF header on changes); JSON back. */
export async function call<T>(url: string, init: { method?: string; json?: unknown } = {}, again = true): Promise<T> {
  const method = init.method ?? (init.json === undefined ? 'GET' : 'POST');
  const answer = await fetch(url, {
    method,
    credentials: 'include',
    headers: headersFor(method, init.json === undefined ? {} : { 'content-type': 'application/json' }),
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  if (answer.status === 401 && again) {
    if (await renewed()) return call<T>(url, init, false);
    goSignIn();
  }
  if (!answer.ok) throw new ApiError(answer.status, await reasonsOf(answer));
  return (answer.status === 204 ? undefined : await answer.json()) as T;
}

export async function loadSession(): Promise<Session> {
  const answer = await fetch('/app/api/session', { credentials: 'include', headers: { accept: 'application/json' } });
  if (answer.status === 401) {
    services = await fetch('/app/api/services').then((r) => r.json() as Promise<Session['services']>).catch(() => undefined);
    if (await renewed()) return loadSession();
    goSignIn();
  }
  if (!answer.ok) throw new ApiError(answer.status, await reasonsOf(answer));
  const session = (await answer.json()) as Session;
  services = session.services;
  return session;
}

export const signingUrl = (path: string) => `${services?.signing ?? ''}${path}`;
export const identityUrl = (path: string) => `${services?.identity ?? ''}${path}`;

/**
 * A multipart upload with its progress (fetch cannot report an upload's progress; XHR can). The
 * same Idempotency-Key goes with a retry, so a lost answer never makes a second document.
 */
export function upload<T>(url: string, form: FormData, idempotencyKey: string, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.withCredentials = true;
    for (const [name, value] of Object.entries(headersFor('POST', { 'idempotency-key': idempotencyKey }))) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, ['the connection broke during the upload']));
    request.onload = async () => {
      const answer = new Response(request.responseText, { status: request.status });
      if (request.status >= 200 && request.status < 300) resolve(JSON.parse(request.responseText) as T);
      else reject(new ApiError(request.status, await reasonsOf(answer)));
    };
    request.send(form);
  });
}
