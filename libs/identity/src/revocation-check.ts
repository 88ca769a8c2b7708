/** What of a token a revocation can concern. */
export interface TokenSubject {
  sessionId: string;
  userId: string;
  /** `iat`, in seconds since the epoch. */
  issuedAt: number;
}

/** Answers, per request, whether the token's session or user was revoked (each service keeps its own list). */
export interface RevocationCheck {
  isRevoked(token: TokenSubject): Promise<boolean>;
}

export const REVOCATION_CHECK = Symbol('REVOCATION_CHECK');
