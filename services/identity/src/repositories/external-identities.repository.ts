import { Injectable } from '@nestjs/common';
import type { Queryable } from '@edoc/db';

/** identity.external_identities: which edoc user a provider's (issuer, subject) is. */
@Injectable()
export class ExternalIdentitiesRepository {
  async userIdOf(q: Queryable, issuer: string, subject: string): Promise<string | undefined> {
    const { rows } = await q.query<{ user_id: string }>('SELECT user_id FROM identity.external_identities WHERE issuer = $1 AND subject = $2', [issuer, subject]);
    return rows[0]?.user_id;
  }

  async isLinked(q: Queryable, userId: string): Promise<boolean> {
    const { rowCount } = await q.query('SELECT 1 FROM identity.external_identities WHERE user_id = $1', [userId]);
    return rowCount === 1;
  }

  async link(q: Queryable, issuer: string, subject: string, userId: string): Promise<void> {
    await q.query('INSERT INTO identity.external_identities (issuer, subject, user_id) VALUES ($1, $2, $3)', [issuer, subject, userId]);
  }
}
