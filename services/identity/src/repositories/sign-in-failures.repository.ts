import { Injectable } from '@nestjs/common';
import type { Queryable } from '@edoc/db';
import type { FailureRecord } from '../domain/sign-in-throttle';

/** identity.sign_in_failures: consecutive failures per typed username. */
@Injectable()
export class SignInFailuresRepository {
  /** The record, locked until the transaction ends: attempts on one username are decided one at a time. */
  async lock(tx: Queryable, username: string): Promise<FailureRecord | undefined> {
    await tx.query(`INSERT INTO identity.sign_in_failures (username, failures, last_failure_at) VALUES ($1, 0, 'epoch') ON CONFLICT DO NOTHING`, [username]);
    const { rows } = await tx.query<{ failures: number; last_failure_at: Date; locked_until: Date | null }>(
      'SELECT failures, last_failure_at, locked_until FROM identity.sign_in_failures WHERE username = $1 FOR UPDATE',
      [username],
    );
    const row = rows[0];
    if (row === undefined || (row.failures === 0 && row.locked_until === null)) return undefined;
    return { failures: row.failures, lastFailureAt: row.last_failure_at, ...(row.locked_until === null ? {} : { lockedUntil: row.locked_until }) };
  }

  async save(tx: Queryable, username: string, record: FailureRecord): Promise<void> {
    await tx.query('UPDATE identity.sign_in_failures SET failures = $2, last_failure_at = $3, locked_until = $4 WHERE username = $1', [
      username,
      record.failures,
      record.lastFailureAt,
      record.lockedUntil ?? null,
    ]);
  }

  async clear(tx: Queryable, username: string): Promise<void> {
    await tx.query('DELETE FROM identity.sign_in_failures WHERE username = $1', [username]);
  }

  /** Rows of usernames nobody has tried for a day and that are not locked: they no longer slow anyone. */
  async purgeStale(q: Queryable): Promise<number> {
    const { rowCount } = await q.query(`DELETE FROM identity.sign_in_failures WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())`);
    return rowCount ?? 0;
  }
}
