import { Injectable } from '@nestjs/common';
import type { Queryable } from '@edoc/db';
import { isRole, type Role, type SignerInfo } from '@edoc/identity';

export interface UserRecord {
  userId: string;
  username: string;
  displayName: string;
  orgCode: string;
  roles: Role[];
  signer?: SignerInfo;
  /** argon2id PHC string; never leaves this service. */
  passwordHash?: string;
  disabledAt?: Date;
  version: number;
}

export interface NewUser {
  userId: string;
  username: string;
  displayName: string;
  orgCode: string;
  roles: Role[];
  signer?: SignerInfo;
  passwordHash?: string;
  /** The password is the published demo one (edoc-demo-<username>). */
  demoPassword?: boolean;
}

interface UserRow {
  user_id: string;
  username: string;
  display_name: string;
  org_code: string;
  signer_competence: string;
  signer_authority: string;
  signer_position: string;
  password_hash: string | null;
  disabled_at: Date | null;
  version: string;
  roles: string[] | null;
}

const SELECT = `SELECT u.user_id, u.username, u.display_name, u.org_code, u.signer_competence, u.signer_authority, u.signer_position,
                       u.password_hash, u.disabled_at, u.version,
                       (SELECT array_agg(r.role ORDER BY r.role) FROM identity.user_roles r WHERE r.user_id = u.user_id) AS roles
                FROM identity.users u`;

/** identity.users and their roles. */
@Injectable()
export class UsersRepository {
  async findByUsername(q: Queryable, username: string, options: { forUpdate?: boolean } = {}): Promise<UserRecord | undefined> {
    const { rows } = await q.query<UserRow>(`${SELECT} WHERE u.username = $1${options.forUpdate === true ? ' FOR UPDATE OF u' : ''}`, [username]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async findById(q: Queryable, userId: string): Promise<UserRecord | undefined> {
    const { rows } = await q.query<UserRow>(`${SELECT} WHERE u.user_id = $1`, [userId]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** Users of the given units (all units when undefined), by unit then username. */
  async list(q: Queryable, orgCodes: string[] | undefined): Promise<UserRecord[]> {
    const { rows } = await q.query<UserRow>(`${SELECT} WHERE $1::text[] IS NULL OR u.org_code = ANY($1::text[]) ORDER BY u.org_code, u.username`, [orgCodes ?? null]);
    return rows.map(toRecord);
  }

  /** False when the username is taken. */
  async insert(tx: Queryable, user: NewUser): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO identity.users (user_id, username, display_name, org_code, signer_competence, signer_authority, signer_position, password_hash, password_changed_at, demo_password)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8::text IS NULL THEN NULL ELSE now() END, $9)
       ON CONFLICT DO NOTHING`,
      [user.userId, user.username, user.displayName, user.orgCode, user.signer?.competence ?? '', user.signer?.authority ?? '', user.signer?.position ?? '', user.passwordHash ?? null, user.demoPassword === true],
    );
    if (rowCount !== 1) return false;
    await this.replaceRoles(tx, user.userId, user.roles);
    return true;
  }

  async setRoles(tx: Queryable, userId: string, roles: Role[], signer: SignerInfo | undefined): Promise<void> {
    await tx.query(
      `UPDATE identity.users SET signer_competence = $2, signer_authority = $3, signer_position = $4, version = version + 1, updated_at = now() WHERE user_id = $1`,
      [userId, signer?.competence ?? '', signer?.authority ?? '', signer?.position ?? ''],
    );
    await this.replaceRoles(tx, userId, roles);
  }

  /** The name and unit a single sign-on provider gives the user (its roles go through setRoles). */
  async setProfile(tx: Queryable, userId: string, displayName: string, orgCode: string): Promise<void> {
    await tx.query('UPDATE identity.users SET display_name = $2, org_code = $3, version = version + 1, updated_at = now() WHERE user_id = $1', [userId, displayName, orgCode]);
  }

  async setDisabled(tx: Queryable, userId: string, disabled: boolean): Promise<void> {
    await tx.query(`UPDATE identity.users SET disabled_at = CASE WHEN $2 THEN now() ELSE NULL END, version = version + 1, updated_at = now() WHERE user_id = $1`, [userId, disabled]);
  }

  /**
   * A new password; `announce` counts it as a change of the user (a reset, which ends a demo
   * password), a silent rehash of the same password does not.
   */
  async setPasswordHash(tx: Queryable, userId: string, hash: string, announce: boolean): Promise<void> {
    await tx.query(
      `UPDATE identity.users SET password_hash = $2, password_changed_at = now(), updated_at = now(), version = version + (CASE WHEN $3 THEN 1 ELSE 0 END),
         demo_password = demo_password AND NOT $3
       WHERE user_id = $1`,
      [userId, hash, announce],
    );
  }

  /** Enabled users still signing in with their published demo password, by username (at most `limit`). */
  async withDemoPassword(q: Queryable, limit: number): Promise<{ usernames: string[]; total: number }> {
    const { rows } = await q.query<{ username: string; total: string }>(
      `SELECT username, count(*) OVER () AS total FROM identity.users WHERE demo_password AND disabled_at IS NULL ORDER BY username LIMIT $1`,
      [limit],
    );
    return { usernames: rows.map((r) => r.username), total: Number(rows[0]?.total ?? 0) };
  }

  private async replaceRoles(tx: Queryable, userId: string, roles: Role[]): Promise<void> {
    await tx.query('DELETE FROM identity.user_roles WHERE user_id = $1', [userId]);
    await tx.query('INSERT INTO identity.user_roles (user_id, role) SELECT $1, unnest($2::text[])', [userId, [...new Set(roles)]]);
  }
}

function toRecord(row: UserRow): UserRecord {
  const signer: SignerInfo | undefined =
    row.signer_position === ''
      ? undefined
      : {
          ...(row.signer_competence === '' ? {} : { competence: row.signer_competence as SignerInfo['competence'] }),
          ...(row.signer_authority === '' ? {} : { authority: row.signer_authority }),
          position: row.signer_position,
        };
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    orgCode: row.org_code,
    roles: (row.roles ?? []).filter(isRole),
    ...(signer === undefined ? {} : { signer }),
    ...(row.password_hash === null ? {} : { passwordHash: row.password_hash }),
    ...(row.disabled_at === null ? {} : { disabledAt: row.disabled_at }),
    version: Number(row.version),
  };
}
