import { Inject, Injectable } from '@nestjs/common';
import { timestampDate, type SessionsRevoked } from '@edoc/contracts';
import { Database, type Queryable } from '@edoc/db';
import type { RevocationCheck, TokenSubject } from '@edoc/identity';
import { SERVICE_OPTIONS, type ServiceOptions } from '../service-options';

/**
 * The revocations a service has heard of, in its own schema: the identity service's notices are
 * recorded here (by the shared handler, or by identity itself in the transaction that revokes), and
 * the guard asks, per request, whether a token's session or user was revoked: two primary-key reads.
 */
@Injectable()
export class RevocationStore implements RevocationCheck {
  private readonly schema: string;

  constructor(
    private readonly db: Database,
    @Inject(SERVICE_OPTIONS) options: ServiceOptions,
  ) {
    this.schema = options.name;
  }

  async record(tx: Queryable, notice: SessionsRevoked): Promise<void> {
    const revokedAt = notice.revokedAt === undefined ? new Date() : timestampDate(notice.revokedAt);
    const forgetAfter = notice.forgetAfter === undefined ? new Date(revokedAt.getTime() + 24 * 3600_000) : timestampDate(notice.forgetAfter);
    if (notice.sessionIds.length > 0) {
      await tx.query(
        `INSERT INTO ${this.schema}.revoked_sessions (session_id, user_id, reason, revoked_at, forget_after)
         SELECT unnest($1::text[]), $2, $3, $4, $5
         ON CONFLICT (session_id) DO NOTHING`,
        [notice.sessionIds, notice.userId, notice.reason, revokedAt, forgetAfter],
      );
    }
    if (notice.tokensIssuedBefore !== undefined) {
      // Keeps the latest cut-off whatever order the notices arrive in.
      await tx.query(
        `INSERT INTO ${this.schema}.revoked_users (user_id, tokens_issued_before, reason, forget_after) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET
           tokens_issued_before = GREATEST(${this.schema}.revoked_users.tokens_issued_before, EXCLUDED.tokens_issued_before),
           reason = CASE WHEN EXCLUDED.tokens_issued_before > ${this.schema}.revoked_users.tokens_issued_before THEN EXCLUDED.reason ELSE ${this.schema}.revoked_users.reason END,
           forget_after = GREATEST(${this.schema}.revoked_users.forget_after, EXCLUDED.forget_after)`,
        [notice.userId, timestampDate(notice.tokensIssuedBefore), notice.reason, forgetAfter],
      );
    }
  }

  async isRevoked(token: TokenSubject): Promise<boolean> {
    const { rows } = await this.db.query<{ revoked: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.schema}.revoked_sessions WHERE session_id = $1)
           OR EXISTS (SELECT 1 FROM ${this.schema}.revoked_users WHERE user_id = $2 AND tokens_issued_before > to_timestamp($3)) AS revoked`,
      [token.sessionId, token.userId, token.issuedAt],
    );
    return rows[0]?.revoked === true;
  }

  /** Drops what can no longer matter: every access token it concerned has expired. */
  async purgeForgotten(now: Date = new Date()): Promise<number> {
    const sessions = await this.db.query(`DELETE FROM ${this.schema}.revoked_sessions WHERE forget_after < $1`, [now]);
    const users = await this.db.query(`DELETE FROM ${this.schema}.revoked_users WHERE forget_after < $1`, [now]);
    return (sessions.rowCount ?? 0) + (users.rowCount ?? 0);
  }
}
