import { Injectable } from '@nestjs/common';
import type { Queryable } from '@edoc/db';

export interface PendingLogin {
  nonce: string;
  codeVerifier: string;
  returnUrl?: string;
}

/** identity.oidc_pending_logins: sign-ins away at the provider, keyed by the SHA-256 of their state. */
@Injectable()
export class OidcLoginsRepository {
  /** Clears the expired ones (abandoned sign-ins would pile up) and counts those still pending. */
  async pruneAndCount(q: Queryable): Promise<number> {
    await q.query('DELETE FROM identity.oidc_pending_logins WHERE expires_at < now()');
    const { rows } = await q.query<{ n: string }>('SELECT count(*) AS n FROM identity.oidc_pending_logins');
    return Number(rows[0]?.n ?? 0);
  }

  async insert(q: Queryable, stateHash: Buffer, login: PendingLogin, expiresAt: Date): Promise<void> {
    await q.query('INSERT INTO identity.oidc_pending_logins (state_hash, nonce, code_verifier, return_url, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      stateHash,
      login.nonce,
      login.codeVerifier,
      login.returnUrl ?? null,
      expiresAt,
    ]);
  }

  /** The pending sign-in, removed: a state is good once, and not after it expired. */
  async take(q: Queryable, stateHash: Buffer): Promise<PendingLogin | undefined> {
    const { rows } = await q.query<{ nonce: string; code_verifier: string; return_url: string | null; expired: boolean }>(
      'DELETE FROM identity.oidc_pending_logins WHERE state_hash = $1 RETURNING nonce, code_verifier, return_url, expires_at < now() AS expired',
      [stateHash],
    );
    const row = rows[0];
    if (row === undefined || row.expired) return undefined;
    return { nonce: row.nonce, codeVerifier: row.code_verifier, ...(row.return_url === null ? {} : { returnUrl: row.return_url }) };
  }
}
