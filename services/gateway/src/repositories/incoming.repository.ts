import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '@edoc/db';

export type IncomingState = 'passed' | 'duplicate' | 'refused';

/** gateway.incoming: every message the gateway took from the axis, once. */
@Injectable()
export class IncomingRepository {
  constructor(private readonly db: Database) {}

  async seen(remoteId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('SELECT 1 FROM gateway.incoming WHERE remote_id = $1', [remoteId]);
    return rowCount === 1;
  }

  /**
   * Records a message the gateway passes on; 'duplicate' when the same bytes of the same kind were
   * passed on before under another id (recorded so, and not passed on again), 'seen' when this id was.
   */
  async recordPassed(tx: Queryable, m: { remoteId: string; kind: 'package' | 'status'; sha256: string; size: number }): Promise<'passed' | 'duplicate' | 'seen'> {
    const { rowCount } = await tx.query(
      `INSERT INTO gateway.incoming (remote_id, kind, sha256, size, state) VALUES ($1, $2, $3, $4, 'passed') ON CONFLICT DO NOTHING`,
      [m.remoteId, m.kind, m.sha256, m.size],
    );
    if (rowCount === 1) return 'passed';
    const { rowCount: again } = await tx.query(
      `INSERT INTO gateway.incoming (remote_id, kind, sha256, size, state, reason) VALUES ($1, $2, $3, $4, 'duplicate', 'the same bytes came before under another id') ON CONFLICT DO NOTHING`,
      [m.remoteId, m.kind, m.sha256, m.size],
    );
    return again === 1 ? 'duplicate' : 'seen';
  }

  /** False when the message was recorded before (refused or taken): then it is not counted again. */
  async recordRefused(m: { remoteId: string; kind: 'package' | 'status'; sha256: string; size: number; reason: string }): Promise<boolean> {
    const { rowCount } = await this.db.query(`INSERT INTO gateway.incoming (remote_id, kind, sha256, size, state, reason) VALUES ($1, $2, $3, $4, 'refused', $5) ON CONFLICT DO NOTHING`, [m.remoteId, m.kind, m.sha256, m.size, m.reason]);
    return rowCount === 1;
  }
}
