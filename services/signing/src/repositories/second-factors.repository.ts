import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '@edoc/db';

export interface SecondFactorRecord {
  username: string;
  orgCode: string;
  secretSealed: string;
  confirmed: boolean;
  lastStep: number;
  failures: number;
  failuresTotal: number;
  locked: boolean;
}

interface Row {
  username: string;
  org_code: string;
  secret_sealed: string;
  confirmed_at: Date | null;
  last_step: string;
  failures: number;
  failures_total: number;
  locked_at: Date | null;
}

const toRecord = (row: Row): SecondFactorRecord => ({
  username: row.username,
  orgCode: row.org_code,
  secretSealed: row.secret_sealed,
  confirmed: row.confirmed_at !== null,
  lastStep: Number(row.last_step),
  failures: row.failures,
  failuresTotal: row.failures_total,
  locked: row.locked_at !== null,
});

/** Signers' enrolled second factors (TOTP), their use and their lockouts. */
@Injectable()
export class SecondFactorsRepository {
  constructor(private readonly db: Database) {}

  async find(username: string, tx: Queryable = this.db): Promise<SecondFactorRecord | undefined> {
    const { rows } = await tx.query<Row>(`SELECT * FROM signing.second_factors WHERE username = $1`, [username]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** Locked for the transaction: two codes checked at once are counted one after the other. */
  async lock(tx: Queryable, username: string): Promise<SecondFactorRecord | undefined> {
    const { rows } = await tx.query<Row>(`SELECT * FROM signing.second_factors WHERE username = $1 FOR UPDATE`, [username]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** A new, unconfirmed enrolment; replaces an unconfirmed one, never a confirmed or locked one. */
  async enrol(username: string, orgCode: string, secretSealed: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO signing.second_factors (username, org_code, secret_sealed) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO UPDATE SET org_code = $2, secret_sealed = $3, enrolled_at = now(), failures = 0, last_step = 0
         WHERE signing.second_factors.confirmed_at IS NULL AND signing.second_factors.locked_at IS NULL`,
      [username, orgCode, secretSealed],
    );
    return rowCount === 1;
  }

  async accept(tx: Queryable, username: string, step: number): Promise<void> {
    await tx.query(`UPDATE signing.second_factors SET last_step = $2, failures = 0, confirmed_at = coalesce(confirmed_at, now()) WHERE username = $1`, [username, step]);
  }

  /** Counts a wrong code; the `lockAfter`-th in a row locks. Returns the failures in a row. */
  async refuse(tx: Queryable, username: string, lockAfter: number): Promise<number> {
    const { rows } = await tx.query<{ failures: number }>(
      `UPDATE signing.second_factors SET failures = failures + 1, failures_total = failures_total + 1,
         locked_at = CASE WHEN failures + 1 >= $2 THEN coalesce(locked_at, now()) ELSE locked_at END
       WHERE username = $1 RETURNING failures`,
      [username, lockAfter],
    );
    return rows[0]?.failures ?? 0;
  }

  async remove(username: string): Promise<boolean> {
    const { rowCount } = await this.db.query(`DELETE FROM signing.second_factors WHERE username = $1`, [username]);
    return rowCount === 1;
  }
}
