export interface FetchLimits {
  /** For the whole exchange, the body included: a server that trickles bytes is as dead as one that never answers. */
  readonly timeoutMs: number;
  /** A body longer than this is refused as it arrives, before it is held in memory. */
  readonly maxBytes: number;
}

/**
 * One HTTP exchange with a PKI service (OCSP responder, CRL distribution point): no redirects
 * (a signed certificate names the place, and a redirect could lead anywhere), a deadline and a
 * size limit. Only http and https: a certificate may name an LDAP, file or data URI, which is
 * reported, not followed. Every failure is given to `fail` as a short reason ("no answer in
 * 5000 ms", "ECONNREFUSED", "HTTP 404") to be wrapped in the caller's error.
 */
export async function fetchBounded(url: string, init: RequestInit, limits: FetchLimits, fail: (reason: string) => Error): Promise<Buffer> {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw fail('not a valid URL');
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw fail(`${protocol.replace(/:$/, '')} is not fetched (only http and https)`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const reasonOf = (error: unknown): string => {
    if (signal.aborted) return `no answer in ${limits.timeoutMs} ms`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (error as Error).message;
  };
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal, redirect: 'error' });
  } catch (error) {
    throw fail(reasonOf(error));
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw fail(`HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw fail(`more than the ${limits.maxBytes} bytes allowed (${declared} declared)`);
  }
  const chunks: Buffer[] = [];
  let length = 0;
  const reader = response.body?.getReader();
  try {
    for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
      length += read.value.byteLength;
      if (length > limits.maxBytes) break;
      chunks.push(Buffer.from(read.value));
    }
  } catch (error) {
    throw fail(reasonOf(error));
  }
  if (length > limits.maxBytes) {
    await reader?.cancel().catch(() => undefined);
    throw fail(`more than the ${limits.maxBytes} bytes allowed`);
  }
  return Buffer.concat(chunks, length);
}
