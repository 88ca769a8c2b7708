import { Injectable } from '@nestjs/common';
import { Database, type Queryable, type Tx } from '@edoc/db';

/** A signer as printed under a document. */
export interface SignerRecord {
  username: string;
  orgCode: string;
  fullName: string;
  /** Competence prefix with the authority it qualifies, e.g. "KT. CHỦ TỊCH"; empty for a head signing in their own right. */
  competence: string;
  position: string;
  active: boolean;
}

interface SignerRow {
  username: string;
  org_code: string;
  full_name: string;
  competence: string;
  position: string;
  active: boolean;
}

const SELECT = 'SELECT username, org_code, full_name, competence, position, active FROM intake.signers';

const toRecord = (row: SignerRow): SignerRecord => ({ username: row.username, orgCode: row.org_code, fullName: row.full_name, competence: row.competence, position: row.position, active: row.active });

/** intake.signers: what the identity service said of each user who is, or was, a signer. */
@Injectable()
export class SignersRepository {
  constructor(private readonly db: Database) {}

  /** The active signers of a unit, by name: whom its clerks may name as the signer of a submission. */
  async activeOf(orgCode: string): Promise<SignerRecord[]> {
    const { rows } = await this.db.query<SignerRow>(`${SELECT} WHERE org_code = $1 AND active ORDER BY full_name, username`, [orgCode]);
    return rows.map(toRecord);
  }

  /** `db`: the caller's transaction when it holds one (a second connection from the pool could wait for itself). */
  async find(username: string, db: Queryable = this.db): Promise<SignerRecord | undefined> {
    const { rows } = await db.query<SignerRow>(`${SELECT} WHERE username = $1`, [username]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** Applies the news of one user when it is newer than what is held. */
  async apply(tx: Tx, signer: SignerRecord & { userId: string; version: bigint }): Promise<void> {
    await tx.query(
      `INSERT INTO intake.signers (username, user_id, org_code, full_name, competence, position, active, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (username) DO UPDATE SET user_id = EXCLUDED.user_id, org_code = EXCLUDED.org_code, full_name = EXCLUDED.full_name,
         competence = EXCLUDED.competence, position = EXCLUDED.position, active = EXCLUDED.active, version = EXCLUDED.version
       WHERE intake.signers.version < EXCLUDED.version`,
      [signer.username, signer.userId, signer.orgCode, signer.fullName, signer.competence, signer.position, signer.active, signer.version.toString()],
    );
  }
}
