/** Fixed issuer and audience: a token minted for another system is refused even if signed by a known key. */
export const TOKEN_ISSUER = 'edoc';
export const TOKEN_AUDIENCE = 'edoc';
export const TOKEN_ALGORITHM = 'EdDSA';

/** The private claims we add to the registered ones (sub = user id). Names follow OpenID Connect where one exists. */
export interface EdocTokenClaims {
  preferred_username: string;
  name: string;
  org: string;
  roles: string[];
}
