import { env } from '@edoc/config';
import { identityUrl } from '@edoc/identity';

/**
 * The identity service as a browser reaches it (EDOC_IDENTITY_PUBLIC_URL, else EDOC_IDENTITY_URL):
 * the dashboard sends its visitors there to sign in and to sign out.
 */
export function identityPublicUrl(): string {
  return (env('EDOC_IDENTITY_PUBLIC_URL') ?? identityUrl()).replace(/\/+$/, '');
}

/** The sign-in page, which sends the browser back to `returnUrl` once signed in. */
export function signInUrl(returnUrl: string): string {
  return `${identityPublicUrl()}/login?return=${encodeURIComponent(returnUrl)}`;
}
