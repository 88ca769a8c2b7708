import type { SessionTokens } from '../services/session.service';

/** The JSON a client gets after a sign-in or a refresh (for programs; browsers use the cookies). */
export function tokenAnswer(tokens: SessionTokens) {
  return {
    tokenType: 'Bearer',
    accessToken: tokens.accessToken,
    expiresIn: Math.max(0, Math.round((tokens.accessExpiresAt.getTime() - Date.now()) / 1000)),
    accessExpiresAt: tokens.accessExpiresAt.toISOString(),
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: tokens.refreshExpiresAt.toISOString(),
    sessionId: tokens.sessionId,
    user: { username: tokens.user.username, displayName: tokens.user.displayName, orgCode: tokens.user.orgCode, roles: [...tokens.user.roles] },
  };
}
