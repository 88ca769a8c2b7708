import { readFileSync } from 'node:fs';
import { env } from '@edoc/config';
import { isRole, type Role } from '@edoc/identity';

/** Which claims of the district's identity provider say who the user is in edoc. */
export interface ClaimNames {
  /** The username (EDOC_OIDC_USERNAME_CLAIM, preferred_username). */
  username: string;
  /** The full name printed under documents (EDOC_OIDC_NAME_CLAIM, name). */
  displayName: string;
  /** The code of the user's unit in the directory (EDOC_OIDC_UNIT_CLAIM, edoc_unit). */
  unit: string;
  /** The edoc roles, a list or space-separated (EDOC_OIDC_ROLES_CLAIM, edoc_roles). */
  roles: string;
  /** A signer's position, printed under the signature (EDOC_OIDC_POSITION_CLAIM, edoc_position). */
  position: string;
}

export interface OidcSettings {
  /** The provider's issuer URL (EDOC_OIDC_ISSUER); its /.well-known/openid-configuration is read. */
  issuer: URL;
  clientId: string;
  /** EDOC_OIDC_CLIENT_SECRET_FILE (a file, so that it stays out of process listings and logs). */
  clientSecret: string;
  /** Where the provider sends the browser back (EDOC_OIDC_REDIRECT_URI): this service's /login/oidc/callback. */
  redirectUri: URL;
  /** Scopes asked for (EDOC_OIDC_SCOPES, "openid profile"). */
  scopes: string;
  claims: ClaimNames;
  /**
   * The roles the provider may give (EDOC_OIDC_ROLES, "clerk signer unit-admin"). District
   * administration is not among them unless the district says so: whoever controls the provider's
   * claims would otherwise control every unit of the exchange.
   */
  allowedRoles: Role[];
  /** What the button on the sign-in page says (EDOC_OIDC_LABEL). */
  label?: string;
}

/** Single sign-on is on when EDOC_OIDC_ISSUER is set; every other setting is then checked at start. */
export function loadOidcSettings(): OidcSettings | undefined {
  const issuerText = env('EDOC_OIDC_ISSUER');
  if (issuerText === undefined) return undefined;
  const issuer = parseUrl('EDOC_OIDC_ISSUER', issuerText);
  const clientId = env('EDOC_OIDC_CLIENT_ID');
  if (clientId === undefined) throw new Error('EDOC_OIDC_CLIENT_ID must be set with EDOC_OIDC_ISSUER: the client id the provider registered for edoc');
  const secretFile = env('EDOC_OIDC_CLIENT_SECRET_FILE');
  if (secretFile === undefined) throw new Error('EDOC_OIDC_CLIENT_SECRET_FILE must be set with EDOC_OIDC_ISSUER: a file holding the client secret');
  let clientSecret: string;
  try {
    clientSecret = readFileSync(secretFile, 'utf8').trim();
  } catch (error) {
    throw new Error(`EDOC_OIDC_CLIENT_SECRET_FILE: cannot read ${secretFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (clientSecret === '') throw new Error(`EDOC_OIDC_CLIENT_SECRET_FILE: ${secretFile} is empty`);
  const redirectText = env('EDOC_OIDC_REDIRECT_URI');
  if (redirectText === undefined) throw new Error('EDOC_OIDC_REDIRECT_URI must be set with EDOC_OIDC_ISSUER: the address of this service\'s /login/oidc/callback as browsers reach it');
  const redirectUri = parseUrl('EDOC_OIDC_REDIRECT_URI', redirectText);
  if (!redirectUri.pathname.endsWith('/login/oidc/callback')) throw new Error(`EDOC_OIDC_REDIRECT_URI must end with /login/oidc/callback, got ${redirectText}`);
  const allowedRoles = env('EDOC_OIDC_ROLES', 'clerk signer unit-admin').split(/[\s,]+/).filter((r) => r !== '');
  const unknown = allowedRoles.filter((role) => !isRole(role) || role === 'ward-system');
  if (unknown.length > 0) throw new Error(`EDOC_OIDC_ROLES: ${unknown.join(', ')} cannot be given by single sign-on (clerk, signer, unit-admin, admin)`);
  const label = env('EDOC_OIDC_LABEL');
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri,
    scopes: env('EDOC_OIDC_SCOPES', 'openid profile'),
    claims: {
      username: env('EDOC_OIDC_USERNAME_CLAIM', 'preferred_username'),
      displayName: env('EDOC_OIDC_NAME_CLAIM', 'name'),
      unit: env('EDOC_OIDC_UNIT_CLAIM', 'edoc_unit'),
      roles: env('EDOC_OIDC_ROLES_CLAIM', 'edoc_roles'),
      position: env('EDOC_OIDC_POSITION_CLAIM', 'edoc_position'),
    },
    allowedRoles: allowedRoles as Role[],
    ...(label === undefined ? {} : { label }),
  };
}

function parseUrl(name: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name}: "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new Error(`${name} must be https (plain http only on this machine, for tests), got ${text}`);
  }
  return url;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
