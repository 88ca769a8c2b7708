import { toBinary } from '@bufbuild/protobuf';
import { assertSchemaName, sqlState, type Tx } from '@edoc/db';
import { validateEdocMessage, type EdocMessage } from '../publishing/protobuf-message';
import { outboxNotifyChannel } from './outbox-notify';

/**
 * Writes events into `<schema>.outbox` inside the caller's transaction, so the event exists if and
 * only if the state change it announces was committed. The OutboxRelay publishes them.
 */
export class Outbox {
  private readonly wakers = new Set<() => void>();

  constructor(readonly schema: string) {
    assertSchemaName(schema);
  }

  /**
   * A relay in this process asks to be woken when a transaction that wrote here commits; the
   * returned function ends that. While one is registered, the outbox wakes it directly instead of
   * by NOTIFY: PostgreSQL serialises every commit that notifies behind one cluster-wide lock, held
   * through the commit's flush, and signals every listening backend of the database, whatever its
   * channel. Writers without a relay of their own (a command-line tool) still notify.
   */
  wakeOnCommit(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }

  /**
   * Returns the messageId. Nothing is sent before the transaction commits. The row goes out as a
   * pipelined write (no round trip of its own): a message id the outbox already holds fails the
   * transaction when it commits, with "the outbox of <schema> already holds message <id>".
   */
  async enqueue(tx: Tx, msg: EdocMessage): Promise<string> {
    return this.write(tx, [msg])[0] as string;
  }

  /**
   * Several messages in one INSERT (a document's deliveries, one per recipient): one statement
   * instead of one each. Returns their messageIds, in order.
   */
  async enqueueAll(tx: Tx, msgs: EdocMessage[]): Promise<string[]> {
    // async: a message that fails validation rejects the promise, as it did when the INSERT was awaited, rather than throwing at the call.
    return msgs.length === 0 ? [] : this.write(tx, msgs);
  }

  private write(tx: Tx, msgs: EdocMessage[]): string[] {
    const messageIds = msgs.map((msg) => validateEdocMessage(msg));
    const rows = [
      messageIds,
      msgs.map((msg) => msg.exchange),
      msgs.map((msg) => msg.routingKey),
      msgs.map((msg) => msg.schema.typeName),
      msgs.map((msg) => Buffer.from(toBinary(msg.schema, msg.message))),
      msgs.map((msg) => JSON.stringify(msg.headers ?? {})),
      msgs.map((msg) => msg.priority ?? null),
    ];
    const explain = (error: unknown) =>
      sqlState(error) === UNIQUE_VIOLATION ? new Error(`the outbox of ${this.schema} already holds message ${messageIds.length === 1 ? messageIds[0] : `(one of ${messageIds.join(', ')})`}`) : error;
    if (this.wakers.size > 0) {
      tx.pipelineWrite(INSERT(this.schema), rows, explain);
      for (const wake of this.wakers) tx.afterCommit(wake);
    } else {
      // The wake-up goes in the same statement: PostgreSQL delivers it only at commit, not at all
      // on rollback, and once however many statements of a transaction ask for it. The insert
      // writes every row or fails the statement, so nothing is counted.
      tx.pipelineWrite(`WITH inserted AS (${INSERT(this.schema)}) SELECT pg_notify($8, '')`, [...rows, outboxNotifyChannel(this.schema)], explain);
    }
    return messageIds;
  }
}

const UNIQUE_VIOLATION = '23505';

const INSERT = (schema: string) =>
  `INSERT INTO ${schema}.outbox (message_id, exchange, routing_key, message_type, body, headers, priority)
   SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::jsonb[], $7::int[])`;
