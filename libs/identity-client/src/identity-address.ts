/** EDOC_IDENTITY_URL, the identity service as the other services reach it (default http://127.0.0.1:3005). */
export function identityUrl(env: Record<string, string | undefined> = process.env): string {
  const configured = env.EDOC_IDENTITY_URL;
  return (configured === undefined || configured === '' ? 'http://127.0.0.1:3005' : configured).replace(/\/+$/, '');
}

/**
 * The identity service as a browser reaches it (EDOC_IDENTITY_PUBLIC_URL, else EDOC_IDENTITY_URL):
 * pages send their visitors there to sign in and to sign out.
 */
export function identityPublicUrl(env: Record<string, string | undefined> = process.env): string {
  const configured = env.EDOC_IDENTITY_PUBLIC_URL;
  return configured === undefined || configured === '' ? identityUrl(env) : configured.replace(/\/+$/, '');
}
