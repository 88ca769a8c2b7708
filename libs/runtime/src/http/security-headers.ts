import helmet from 'helmet';

/**
 * helmet's headers on every answer (nosniff, frame-ancestors, HSTS, no X-Powered-By, a strict
 * default CSP). Its CSP allows what the pages the services serve need: Swagger UI at /docs loads
 * its own scripts and has an inline <style> (style-src 'unsafe-inline' is in helmet's default);
 * the metrics dashboard sends a stricter CSP of its own on its pages, which replaces this one.
 * Without upgrade-insecure-requests: the services speak plain HTTP (TLS ends at the ingress), and a
 * browser would rewrite every script and style of /docs to an https:// URL nobody serves.
 */
export function securityHeaders(): ReturnType<typeof helmet> {
  return helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
}
