import { assertSchemaName, type Queryable, type Tx } from '@edoc/db';

/**
 * Remembers which messages a consumer has applied, in the same transaction as the effect:
 *
 *   await db.transaction(async (tx) => {
 *     if (!(await inbox.claim(tx, ctx.messageId, 'routing.document-issued'))) return; // a redelivery
 *     …apply the effect with tx…
 *   });
 *
 * A second delivery of the same message (after a lost ack, a relay that published twice, a
 * replay) finds the row and the handler does nothing. Two deliveries processed at the same time
 * are serialised by the primary key: the second waits for the first transaction and then sees it.
 */
export class Inbox {
  constructor(private readonly schema: string) {
    assertSchemaName(schema);
  }

  /** True when this consumer sees the message for the first time; false when it was already applied. */
  async claim(tx: Tx, messageId: string, consumer: string): Promise<boolean> {
    if (messageId === '') throw new Error('Inbox.claim needs the messageId of the message');
    if (consumer === '') throw new Error('Inbox.claim needs a consumer name');
    const { rowCount } = await tx.query(
      `INSERT INTO ${this.schema}.inbox (message_id, consumer) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [messageId, consumer],
    );
    return rowCount === 1;
  }

  /**
   * `claim` for several messages in one statement: the ids this consumer sees for the first time.
   * An id given twice is claimed once.
   */
  async claimMany(tx: Tx, messageIds: string[], consumer: string): Promise<Set<string>> {
    if (messageIds.some((id) => id === '')) throw new Error('Inbox.claimMany needs the messageId of every message');
    if (consumer === '') throw new Error('Inbox.claimMany needs a consumer name');
    if (messageIds.length === 0) return new Set();
    const { rows } = await tx.query<{ message_id: string }>(
      `INSERT INTO ${this.schema}.inbox (message_id, consumer) SELECT DISTINCT unnest($1::text[]), $2 ON CONFLICT DO NOTHING RETURNING message_id`,
      [messageIds, consumer],
    );
    return new Set(rows.map((row) => row.message_id));
  }

  /** Forgets entries older than the retention, which must exceed the longest possible redelivery delay. */
  async purgeOlderThan(db: Queryable, retentionMs: number): Promise<number> {
    const { rowCount } = await db.query(
      `DELETE FROM ${this.schema}.inbox WHERE received_at < now() - make_interval(secs => $1)`,
      [retentionMs / 1000],
    );
    return rowCount ?? 0;
  }
}
