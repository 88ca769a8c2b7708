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
   * `claim` for messages of several consumers in one statement: for each claim, in order, whether it
   * is the first time its consumer sees its message. A pair given twice is claimed by the first.
   */
  async claimEach(tx: Tx, claims: readonly { messageId: string; consumer: string }[]): Promise<boolean[]> {
    if (claims.some((c) => c.messageId === '' || c.consumer === '')) throw new Error('Inbox.claimEach needs the messageId and the consumer of every claim');
    if (claims.length === 0) return [];
    const { rows } = await tx.query<{ message_id: string; consumer: string }>(
      `INSERT INTO ${this.schema}.inbox (message_id, consumer) SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING message_id, consumer`,
      [claims.map((c) => c.messageId), claims.map((c) => c.consumer)],
    );
    const fresh = new Set(rows.map((row) => pairKey(row.message_id, row.consumer)));
    return claims.map((c) => fresh.delete(pairKey(c.messageId, c.consumer)));
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

function pairKey(messageId: string, consumer: string): string {
  return `${consumer}\n${messageId}`;
}
