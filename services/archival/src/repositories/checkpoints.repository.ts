import { Injectable } from '@nestjs/common';
import type { StoredCheckpoint } from '@edoc/audit';
import { Database, type Queryable } from '@edoc/db';

export interface CheckpointRow extends StoredCheckpoint {
  firstSeq: number;
  lastSeq: number;
  createdAt: Date;
  wormStored: boolean;
}

interface Row {
  number: number;
  first_seq: string;
  last_seq: string;
  body: string;
  signature: Buffer;
  created_at: Date;
  worm_stored: boolean;
}

const toCheckpoint = (row: Row): CheckpointRow => ({
  number: row.number,
  firstSeq: Number(row.first_seq),
  lastSeq: Number(row.last_seq),
  body: row.body,
  signature: row.signature,
  createdAt: row.created_at,
  wormStored: row.worm_stored,
});

/** Signed checkpoints of the audit chain in archival.audit_checkpoints. */
@Injectable()
export class CheckpointsRepository {
  constructor(private readonly db: Database) {}

  async last(db: Queryable = this.db): Promise<CheckpointRow | undefined> {
    const { rows } = await db.query<Row>(`SELECT * FROM archival.audit_checkpoints ORDER BY number DESC LIMIT 1`);
    return rows[0] === undefined ? undefined : toCheckpoint(rows[0]);
  }

  async insert(db: Queryable, checkpoint: { number: number; firstSeq: number; lastSeq: number; body: string; signature: Buffer; createdAt: Date }): Promise<void> {
    await db.query(`INSERT INTO archival.audit_checkpoints (number, first_seq, last_seq, body, signature, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      checkpoint.number,
      checkpoint.firstSeq,
      checkpoint.lastSeq,
      checkpoint.body,
      checkpoint.signature,
      checkpoint.createdAt,
    ]);
  }

  async all(): Promise<CheckpointRow[]> {
    const { rows } = await this.db.query<Row>(`SELECT * FROM archival.audit_checkpoints ORDER BY number`);
    return rows.map(toCheckpoint);
  }

  /** The checkpoints that cover any of the given entries. */
  async covering(seqs: readonly number[]): Promise<CheckpointRow[]> {
    if (seqs.length === 0) return [];
    const { rows } = await this.db.query<Row>(
      `SELECT DISTINCT c.* FROM archival.audit_checkpoints c JOIN unnest($1::bigint[]) AS s(seq) ON s.seq BETWEEN c.first_seq AND c.last_seq ORDER BY c.number`,
      [seqs],
    );
    return rows.map(toCheckpoint);
  }

  async notYetStoredWriteOnce(): Promise<CheckpointRow[]> {
    const { rows } = await this.db.query<Row>(`SELECT * FROM archival.audit_checkpoints WHERE NOT worm_stored ORDER BY number`);
    return rows.map(toCheckpoint);
  }

  async markStoredWriteOnce(checkpointNumber: number): Promise<void> {
    await this.db.query(`UPDATE archival.audit_checkpoints SET worm_stored = true WHERE number = $1`, [checkpointNumber]);
  }
}
