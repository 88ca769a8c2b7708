import { toBinary } from '@bufbuild/protobuf';
import { assertSchemaName, type Tx } from '@edoc/db';
import { validateEdocMessage, type EdocMessage } from '../publishing/protobuf-message';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-notify';

/**
 * Writes events into `<schema>.outbox` inside the caller's transaction, so the event exists if and
 * only if the state change it announces was committed. The OutboxRelay publishes them.
 */
export class Outbox {
  constructor(private readonly schema: string) {
    assertSchemaName(schema);
  }

  /** Returns the messageId. Nothing is sent before the transaction commits. */
  async enqueue(tx: Tx, msg: EdocMessage): Promise<string> {
    const messageId = validateEdocMessage(msg);
    const { rowCount } = await tx.query(
      `INSERT INTO ${this.schema}.outbox (message_id, exchange, routing_key, message_type, body, headers, priority)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (message_id) DO NOTHING`,
      [
        messageId,
        msg.exchange,
        msg.routingKey,
        msg.schema.typeName,
        Buffer.from(toBinary(msg.schema, msg.message)),
        JSON.stringify(msg.headers ?? {}),
        msg.priority ?? null,
      ],
    );
    if (rowCount === 0) throw new Error(`the outbox of ${this.schema} already holds message ${messageId}`);
    // Delivered by PostgreSQL only at commit, and not at all on rollback.
    await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_NOTIFY_CHANNEL, this.schema]);
    return messageId;
  }
}
