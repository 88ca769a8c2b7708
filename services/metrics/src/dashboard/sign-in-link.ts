import { identityPublicUrl } from '@edoc/identity';

export { identityPublicUrl };

/** The sign-in page, which sends the browser back to `returnUrl` once signed in. */
export function signInUrl(returnUrl: string): string {
  return `${identityPublicUrl()}/login?return=${encodeURIComponent(returnUrl)}`;
}
