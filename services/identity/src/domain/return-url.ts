/**
 * Where a sign-in page may send the browser back: an absolute http(s) URL on the origin of one of
 * the edoc services, never elsewhere (an open redirect would hand a phishing site our sign-in).
 * Returns the normalised URL, or undefined.
 */
export function allowedReturnUrl(raw: unknown, knownOrigins: readonly string[]): string | undefined {
  if (typeof raw !== 'string' || raw === '' || raw.length > 2000) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return knownOrigins.includes(url.origin) ? url.toString() : undefined;
}
