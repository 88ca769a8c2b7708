export * from './principal';
export * from './errors';
export { TOKEN_ISSUER, TOKEN_AUDIENCE, MAX_ACCESS_TOKEN_SECONDS } from './token-claims';
export * from './token-issuer';
export * from './token-verifier';
export * from './remote-keys';
export * from './revocation-check';
export * from './session-cookies';
export * from './organisation-access';
export * from './user-seed';
// Plain helpers that live with the HTTP client, so that a command line need not load NestJS for them.
export { demoPassword, identityUrl, identityPublicUrl } from '@edoc/identity-client';
export { assertEd25519 } from './key-checks';
export { IdentityModule, type IdentityModuleOptions } from './nest/identity.module';
export { AuthGuard } from './nest/auth.guard';
export { RequestAuthenticator, presentedToken, type AuthenticatedRequest } from './nest/request-authenticator';
export { Public, Roles, IS_PUBLIC_KEY, ROLES_KEY } from './nest/metadata';
export { CurrentPrincipal, PRINCIPAL_REQUEST_FIELD, type RequestWithPrincipal } from './nest/current-principal';
export type { UserView } from './user-view';
