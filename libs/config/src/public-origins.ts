import { env } from './env';

/** The services' default ports: what a browser reaches on one machine (`npm start`). */
const DEFAULT_PORTS = [3000, 3001, 3002, 3003, 3004, 3005];

/**
 * The origins of the edoc services as browsers reach them (EDOC_PUBLIC_ORIGINS, comma-separated):
 * where a sign-in may return to, and which pages may call a service's API with the session cookie.
 */
export function publicOrigins(): string[] {
  const list = env('EDOC_PUBLIC_ORIGINS');
  if (list === undefined) return DEFAULT_PORTS.flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        throw new Error(`EDOC_PUBLIC_ORIGINS: "${entry}" is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`EDOC_PUBLIC_ORIGINS: "${entry}" is not http(s)`);
      return url.origin;
    });
}
