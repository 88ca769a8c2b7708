import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import type { Queryable } from '@edoc/db';

export interface StoredSigningKey {
  kid: string;
  privateKeyPem: string;
  publicJwk: JWK;
}

/** identity.signing_keys. Private keys stay in this schema; a retired key loses its private half. */
@Injectable()
export class SigningKeysRepository {
  async current(q: Queryable): Promise<StoredSigningKey | undefined> {
    const { rows } = await q.query<{ kid: string; private_key_pem: string; public_jwk: JWK }>(
      'SELECT kid, private_key_pem, public_jwk FROM identity.signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1',
    );
    const row = rows[0];
    return row === undefined ? undefined : { kid: row.kid, privateKeyPem: row.private_key_pem, publicJwk: row.public_jwk };
  }

  /** Public keys a verifier may still meet: the current ones and the retired ones whose tokens may not have expired. */
  async published(q: Queryable): Promise<JWK[]> {
    const { rows } = await q.query<{ public_jwk: JWK }>(
      'SELECT public_jwk FROM identity.signing_keys WHERE publish_until IS NULL OR publish_until > now() ORDER BY created_at DESC, kid',
    );
    return rows.map((row) => row.public_jwk);
  }

  async insert(tx: Queryable, key: StoredSigningKey): Promise<void> {
    await tx.query('INSERT INTO identity.signing_keys (kid, private_key_pem, public_jwk) VALUES ($1, $2, $3)', [key.kid, key.privateKeyPem, JSON.stringify(key.publicJwk)]);
  }

  /** Retires every current key: their private halves are erased, the public ones published until `publishUntil`. */
  async retireCurrent(tx: Queryable, publishUntil: Date): Promise<string[]> {
    const { rows } = await tx.query<{ kid: string }>(
      'UPDATE identity.signing_keys SET retired_at = now(), private_key_pem = NULL, publish_until = $1 WHERE retired_at IS NULL RETURNING kid',
      [publishUntil],
    );
    return rows.map((row) => row.kid);
  }

  /** Serialises rotations and the first key's creation across instances, for the transaction. */
  async lockForChange(tx: Queryable): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('edoc.identity.signing_keys'))`);
  }
}
