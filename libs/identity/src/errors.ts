/** Why a request is not authenticated; every case maps to HTTP 401 with this message as the reason. */
export type TokenProblem = 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'not-yet-valid' | 'invalid-claims' | 'revoked' | 'csrf';

export class TokenError extends Error {
  constructor(
    readonly problem: TokenProblem,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class TokenExpiredError extends TokenError {
  constructor(readonly expiredAt: Date) {
    super('expired', `token expired at ${expiredAt.toISOString()}`);
  }
}

export class InvalidTokenError extends TokenError {}

/** The keys that check tokens cannot be had (the identity service does not answer): 503, not 401. */
export class VerificationKeysUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
