import { Injectable } from '@nestjs/common';
import type { Queryable } from '@edoc/db';
import type { RefreshTokenState } from '../domain/refresh-decision';

export interface NewSession {
  sessionId: string;
  userId: string;
  method: string;
  expiresAt: Date;
  csrfHash: string;
  clientAddress: string;
}

export interface SessionRecord {
  sessionId: string;
  userId: string;
  expiresAt: Date;
  revokedAt?: Date;
  csrfHash?: string;
}

export interface StoredRefreshToken extends RefreshTokenState {
  sessionId: string;
  userId: string;
  csrfHash?: string;
}

/** identity.sessions and their refresh tokens (kept as SHA-256 only). */
@Injectable()
export class SessionsRepository {
  async create(tx: Queryable, session: NewSession): Promise<void> {
    await tx.query(
      `INSERT INTO identity.sessions (session_id, user_id, method, expires_at, csrf_hash, client_address) VALUES ($1, $2, $3, $4, $5, $6)`,
      [session.sessionId, session.userId, session.method, session.expiresAt, session.csrfHash, session.clientAddress],
    );
  }

  async find(q: Queryable, sessionId: string): Promise<SessionRecord | undefined> {
    const { rows } = await q.query<{ session_id: string; user_id: string; expires_at: Date; revoked_at: Date | null; csrf_hash: string | null }>(
      'SELECT session_id, user_id, expires_at, revoked_at, csrf_hash FROM identity.sessions WHERE session_id = $1',
      [sessionId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      sessionId: row.session_id,
      userId: row.user_id,
      expiresAt: row.expires_at,
      ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
      ...(row.csrf_hash === null ? {} : { csrfHash: row.csrf_hash }),
    };
  }

  async addRefreshToken(tx: Queryable, tokenHash: Buffer, sessionId: string, expiresAt: Date): Promise<void> {
    await tx.query('INSERT INTO identity.refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, sessionId, expiresAt]);
  }

  /** The token with its session and user, locked: two exchanges of one token are decided one after the other. */
  async findRefreshToken(tx: Queryable, tokenHash: Buffer): Promise<StoredRefreshToken | undefined> {
    const { rows } = await tx.query<{ session_id: string; user_id: string; expires_at: Date; rotated_at: Date | null; session_expires_at: Date; revoked_at: Date | null; csrf_hash: string | null; disabled_at: Date | null }>(
      `SELECT t.session_id, s.user_id, t.expires_at, t.rotated_at, s.expires_at AS session_expires_at, s.revoked_at, s.csrf_hash, u.disabled_at
       FROM identity.refresh_tokens t
       JOIN identity.sessions s ON s.session_id = t.session_id
       JOIN identity.users u ON u.user_id = s.user_id
       WHERE t.token_hash = $1
       FOR UPDATE OF t, s`,
      [tokenHash],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      sessionId: row.session_id,
      userId: row.user_id,
      expiresAt: row.expires_at,
      ...(row.rotated_at === null ? {} : { rotatedAt: row.rotated_at }),
      session: { expiresAt: row.session_expires_at, ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }) },
      userDisabled: row.disabled_at !== null,
      ...(row.csrf_hash === null ? {} : { csrfHash: row.csrf_hash }),
    };
  }

  async markRotated(tx: Queryable, tokenHash: Buffer): Promise<void> {
    await tx.query('UPDATE identity.refresh_tokens SET rotated_at = now() WHERE token_hash = $1', [tokenHash]);
    await tx.query('UPDATE identity.sessions SET last_used_at = now() WHERE session_id = (SELECT session_id FROM identity.refresh_tokens WHERE token_hash = $1)', [tokenHash]);
  }

  /** True when the session was active until now. */
  async revoke(tx: Queryable, sessionId: string, reason: string): Promise<boolean> {
    const { rowCount } = await tx.query('UPDATE identity.sessions SET revoked_at = now(), revoked_reason = $2 WHERE session_id = $1 AND revoked_at IS NULL', [sessionId, reason]);
    return rowCount === 1;
  }

  /** Ends every active session of the user; returns their ids. */
  async revokeAllOfUser(tx: Queryable, userId: string, reason: string): Promise<string[]> {
    const { rows } = await tx.query<{ session_id: string }>(
      'UPDATE identity.sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING session_id',
      [userId, reason],
    );
    return rows.map((row) => row.session_id);
  }

  /** Sessions and refresh tokens nobody can use any more, a day after they ended. */
  async purgeEnded(q: Queryable): Promise<number> {
    const { rowCount } = await q.query(`DELETE FROM identity.sessions WHERE expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day'`);
    return rowCount ?? 0;
  }
}
