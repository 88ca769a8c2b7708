/** What the store knows of a presented refresh token (undefined: never issued, or long purged). */
export interface RefreshTokenState {
  expiresAt: Date;
  rotatedAt?: Date;
  session: { expiresAt: Date; revokedAt?: Date };
  userDisabled: boolean;
}

export type RefreshDecision =
  | { kind: 'rotate' }
  /** Already exchanged once: someone holds a copy. Every session of the user ends. */
  | { kind: 'reuse' }
  | { kind: 'refuse'; reason: string };

/**
 * One refresh token buys one new pair, once. The order matters: a token reused after its session
 * was revoked is still a reuse (the thief must not learn the session is gone), and a reuse is
 * checked before expiry so a stolen token cannot be tested for free once it is old.
 */
export function decideRefresh(state: RefreshTokenState | undefined, now: Date): RefreshDecision {
  if (state === undefined) return { kind: 'refuse', reason: 'unknown refresh token' };
  if (state.rotatedAt !== undefined) return { kind: 'reuse' };
  if (state.session.revokedAt !== undefined) return { kind: 'refuse', reason: 'the session has ended' };
  if (state.userDisabled) return { kind: 'refuse', reason: 'the user is disabled' };
  if (state.expiresAt <= now || state.session.expiresAt <= now) return { kind: 'refuse', reason: 'the session has expired: sign in again' };
  return { kind: 'rotate' };
}
