import { toBinary } from '@bufbuild/protobuf';
import { assertSchemaName, type Tx } from '@edoc/db';
import { validateEdocMessage, type EdocMessage } from '../publishing/protobuf-message';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-notify';

/**
 * Writes events into `<schema>.outbox` inside the caller's transaction, so the event exists if and
 * only if the state change it announces was committed. The OutboxRelay publishes them.
 */
export class Outbox {
  /** Transactions that have asked for the relay's wake-up already: one pg_notify each is enough. */
  private readonly notified = new WeakSet<Tx>();

  constructor(private readonly schema: string) {
    assertSchemaName(schema);
  }

  /** Returns the messageId. Nothing is sent before the transaction commits. */
  async enqueue(tx: Tx, msg: EdocMessage): Promise<string> {
    const [messageId] = await this.enqueueAll(tx, [msg]);
    return messageId as string;
  }

  /**
   * Several messages in one INSERT (a document's deliveries, one per recipient): one round trip
   * instead of one each. Returns their messageIds, in order.
   */
  async enqueueAll(tx: Tx, msgs: EdocMessage[]): Promise<string[]> {
    if (msgs.length === 0) return [];
    const messageIds = msgs.map((msg) => validateEdocMessage(msg));
    const { rowCount } = await tx.query(
      `INSERT INTO ${this.schema}.outbox (message_id, exchange, routing_key, message_type, body, headers, priority)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::jsonb[], $7::int[])
       ON CONFLICT (message_id) DO NOTHING`,
      [
        messageIds,
        msgs.map((msg) => msg.exchange),
        msgs.map((msg) => msg.routingKey),
        msgs.map((msg) => msg.schema.typeName),
        msgs.map((msg) => Buffer.from(toBinary(msg.schema, msg.message))),
        msgs.map((msg) => JSON.stringify(msg.headers ?? {})),
        msgs.map((msg) => msg.priority ?? null),
      ],
    );
    if (rowCount !== msgs.length) throw new Error(`the outbox of ${this.schema} already holds message ${messageIds.length === 1 ? messageIds[0] : `(one of ${messageIds.join(', ')})`}`);
    if (!this.notified.has(tx)) {
      // Delivered by PostgreSQL only at commit, and not at all on rollback.
      await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_NOTIFY_CHANNEL, this.schema]);
      this.notified.add(tx);
    }
    return messageIds;
  }
}
