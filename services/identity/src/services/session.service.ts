import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { create, SessionsRevokedSchema, timestampFromDate, type MessageInitShape } from '@edoc/contracts';
import { Database, type Tx } from '@edoc/db';
import { csrfHash, type Principal } from '@edoc/identity';
import { EventOutbox, RevocationStore } from '@edoc/runtime';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../config/identity-settings';
import { decideRefresh } from '../domain/refresh-decision';
import { SessionsRepository } from '../repositories/sessions.repository';
import { UsersRepository, type UserRecord } from '../repositories/users.repository';
import { SigningKeysService } from './signing-keys.service';

/** How the user proved who they are: a password here, or the district's OpenID provider. */
export type SignInMethod = 'password' | 'oidc';

export type RevocationReason = 'signed_out' | 'refresh_reused' | 'disabled' | 'roles_changed' | 'password_reset';

/** What a sign-in or a refresh hands the client. The refresh token exists here and in the client only. */
export interface SessionTokens {
  sessionId: string;
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
  /** The browser session's CSRF token; undefined after a refresh (the cookie keeps the one it had). */
  csrfToken?: string;
  user: UserRecord;
}

export interface ClientInfo {
  address: string;
}

/** A refresh refused: 401 with the reason, after the effects (a reuse revokes everything) were committed. */
export class RefreshRefusedError extends UnauthorizedException {}

/**
 * Sessions: one per sign-in, each with a chain of refresh tokens of which only the newest is good.
 * Ending a session (or all of a user's) is written to this service's own revocation list in the
 * same transaction and announced to every other service as session.revoked.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly keys: SigningKeysService,
    private readonly revocations: RevocationStore,
    private readonly events: EventOutbox,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  /** A new session for a user whose identity was just proved (by password or through the OpenID provider). */
  async start(user: UserRecord, method: SignInMethod, client: ClientInfo): Promise<SessionTokens> {
    const sessionId = randomUUID();
    const csrfToken = randomBytes(24).toString('base64url');
    const refreshToken = newRefreshToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.settings.sessionSeconds * 1000);
    await this.db.transaction(async (tx) => {
      await this.sessions.create(tx, { sessionId, userId: user.userId, method, expiresAt, csrfHash: csrfHash(csrfToken), clientAddress: client.address });
      await this.sessions.addRefreshToken(tx, hashOf(refreshToken), sessionId, expiresAt);
      await this.events.emit(tx, 'signedIn', {
        userId: user.userId,
        username: user.username,
        orgCode: user.orgCode,
        sessionId,
        method,
        clientAddress: client.address,
        signedInAt: timestampFromDate(now),
      });
    });
    const access = await this.accessToken(user, sessionId, csrfHash(csrfToken));
    return { sessionId, ...access, refreshToken, refreshExpiresAt: expiresAt, csrfToken, user };
  }

  /**
   * Exchanges a refresh token for a new pair. A token already exchanged means a copy exists: every
   * session of the user ends and the reuse goes to the audit trail. `browserCsrf` is the CSRF
   * token a browser echoed when its refresh token came in a cookie; it must be the session's.
   */
  async refresh(refreshToken: string, client: ClientInfo, browserCsrf?: string): Promise<SessionTokens> {
    const now = new Date();
    const outcome = await this.db.transaction(async (tx) => {
      const stored = await this.sessions.findRefreshToken(tx, hashOf(refreshToken));
      const decision = decideRefresh(stored, now);
      if (decision.kind === 'refuse' || stored === undefined) return { refused: decision.kind === 'refuse' ? decision.reason : 'unknown refresh token' };
      const user = await this.users.findById(tx, stored.userId);
      if (user === undefined) return { refused: 'unknown user' };
      if (decision.kind === 'reuse') {
        const revoked = await this.revokeAllOfUser(tx, user, 'refresh_reused');
        await this.events.emit(tx, 'refreshTokenReused', {
          userId: user.userId,
          username: user.username,
          orgCode: user.orgCode,
          sessionId: stored.sessionId,
          sessionsRevoked: revoked.length,
          clientAddress: client.address,
          detectedAt: timestampFromDate(now),
        });
        return { refused: 'this refresh token was already used: every session of the user has been ended; sign in again' };
      }
      if (browserCsrf !== undefined && (stored.csrfHash === undefined || csrfHash(browserCsrf) !== stored.csrfHash)) return { refused: 'the CSRF token does not belong to this session' };
      const next = newRefreshToken();
      await this.sessions.markRotated(tx, hashOf(refreshToken));
      await this.sessions.addRefreshToken(tx, hashOf(next), stored.sessionId, stored.session.expiresAt);
      return { user, next, sessionId: stored.sessionId, refreshExpiresAt: stored.session.expiresAt, csrfHash: stored.csrfHash };
    });
    if ('refused' in outcome) throw new RefreshRefusedError(outcome.refused);
    const access = await this.accessToken(outcome.user, outcome.sessionId, outcome.csrfHash);
    return { sessionId: outcome.sessionId, ...access, refreshToken: outcome.next, refreshExpiresAt: outcome.refreshExpiresAt, user: outcome.user };
  }

  /** Ends one session; false when it had ended already. */
  async signOut(principal: Principal & { sessionId: string }): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await this.sessions.revoke(tx, principal.sessionId, 'signed_out'))) return false;
      await this.announce(tx, { userId: principal.userId, username: principal.username }, [principal.sessionId], 'signed_out', false);
      await this.events.emit(tx, 'signedOut', {
        userId: principal.userId,
        username: principal.username,
        orgCode: principal.orgCode,
        sessionId: principal.sessionId,
        signedOutAt: timestampFromDate(new Date()),
      });
      return true;
    });
  }

  /** Ends every session of the user and refuses every token issued to them so far, in the caller's transaction. */
  async revokeAllOfUser(tx: Tx, user: { userId: string; username: string }, reason: RevocationReason): Promise<string[]> {
    const sessionIds = await this.sessions.revokeAllOfUser(tx, user.userId, reason);
    await this.announce(tx, user, sessionIds, reason, true);
    return sessionIds;
  }

  private async announce(tx: Tx, user: { userId: string; username: string }, sessionIds: string[], reason: RevocationReason, userWide: boolean): Promise<void> {
    const now = new Date();
    const notice: MessageInitShape<typeof SessionsRevokedSchema> = {
      userId: user.userId,
      username: user.username,
      sessionIds,
      reason,
      revokedAt: timestampFromDate(now),
      // Whole seconds, like a token's iat: tokens of the same second belong to the sessions revoked above.
      ...(userWide ? { tokensIssuedBefore: timestampFromDate(new Date(Math.floor(now.getTime() / 1000) * 1000)) } : {}),
      forgetAfter: timestampFromDate(new Date(now.getTime() + (this.settings.accessTokenSeconds + 300) * 1000)),
    };
    // This service refuses the tokens from the commit on; the others as soon as their queue brings the news.
    await this.revocations.record(tx, create(SessionsRevokedSchema, notice));
    await this.events.emit(tx, 'sessionsRevoked', notice);
  }

  private async accessToken(user: UserRecord, sessionId: string, boundCsrfHash: string | undefined): Promise<{ accessToken: string; accessExpiresAt: Date }> {
    const issuer = await this.keys.issuer();
    const ttlSeconds = this.settings.accessTokenSeconds;
    const accessToken = await issuer.issue(principalOf(user), { sessionId, ttlSeconds, ...(boundCsrfHash === undefined ? {} : { csrfHash: boundCsrfHash }) });
    return { accessToken, accessExpiresAt: new Date(Date.now() + ttlSeconds * 1000) };
  }
}

export function principalOf(user: UserRecord): Principal {
  return { userId: user.userId, username: user.username, orgCode: user.orgCode, roles: [...user.roles], displayName: user.displayName };
}

/** 256 random bits: guessing one is hopeless, so a fast hash is all the store needs. */
function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

function hashOf(refreshToken: string): Buffer {
  return createHash('sha256').update(refreshToken, 'utf8').digest();
}
