import { env } from '@edoc/config';
import { identityPublicUrl } from '@edoc/identity';

/** Where the app's browser reaches the other services it calls (with the session cookie, from the edoc origins). */
export interface WebAppServices {
  identity: string;
  signing: string;
}

/**
 * EDOC_SIGNING_PUBLIC_URL (else EDOC_SIGNING_URL, else the host the browser used with signing's
 * default port) and the identity service's public URL.
 */
export function webAppServices(requestHost: string | undefined, protocol: string): WebAppServices {
  const hostname = (requestHost ?? '127.0.0.1').replace(/:\d+$/, '');
  const signing = env('EDOC_SIGNING_PUBLIC_URL') ?? env('EDOC_SIGNING_URL') ?? `${protocol}://${hostname}:3001`;
  return { identity: identityPublicUrl(), signing: signing.replace(/\/+$/, '') };
}

/** The page's CSP: our own scripts and styles, API calls to the edoc services only, pdf.js's worker. */
export function webAppPageHeaders(services: WebAppServices): Record<string, string> {
  const apis = [...new Set([new URL(services.identity).origin, new URL(services.signing).origin])].join(' ');
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy':
      `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; ` +
      `connect-src 'self' ${apis}; worker-src 'self' blob:; form-action 'self' ${new URL(services.identity).origin}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}
