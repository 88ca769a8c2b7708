/** Fixed issuer and audience: a token minted for another system is refused even if signed by a known key. */
export const TOKEN_ISSUER = 'edoc';
export const TOKEN_AUDIENCE = 'edoc';
export const TOKEN_ALGORITHM = 'EdDSA';

/** Access tokens live 15 minutes at most: a stolen one is soon worthless, and revocation lists stay short. */
export const MAX_ACCESS_TOKEN_SECONDS = 15 * 60;

/** The private claims we add to the registered ones (sub = user id). Names follow OpenID Connect where one exists. */
export interface EdocTokenClaims {
  preferred_username: string;
  name: string;
  org: string;
  roles: string[];
  /** Session id: what a sign-out revokes. */
  sid: string;
  /** SHA-256 (base64url) of the session's CSRF token, for tokens delivered in a browser cookie. */
  cth?: string;
}
