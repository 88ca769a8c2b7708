import { assertSchemaName, type Database, type DbNotificationListener, type Tx } from '@edoc/db';
import type { AmqpConnection } from '../connection/amqp-connection';
import { deadLetterCopy } from '../dead-letters/dead-letter-envelope';
import { errorMessage } from '../errors';
import { defaultLogger, type MessagingLogger } from '../logger';
import { EdocExchanges, UNROUTABLE_ROUTING_KEY } from '../names';
import { ConfirmPublisher } from '../publishing/confirm-publisher';
import { ExchangeChecker } from '../publishing/exchange-checker';
import type { Outbox } from './outbox';
import { outboxNotifyChannel } from './outbox-notify';
import { outboxRowToMessage, type OutboxRow } from './outbox-row';

export interface OutboxRelayOptions {
  db: Database;
  schema: string;
  connection: AmqpConnection;
  /** Rows published per transaction. Default 100. */
  batchSize?: number;
  /** Safety-net polling interval; NOTIFY normally wakes the relay at once. Default 1000 ms. */
  pollMs?: number;
  /** The AMQP app_id of published messages; default the schema name. */
  appId?: string;
  deadLetterExchange?: string;
  /** Longest wait for one broker confirm. Default 10 s. */
  publishTimeoutMs?: number;
  logger?: MessagingLogger;
  /**
   * This process's writer of the same outbox: its commits wake the relay directly, without NOTIFY
   * (see Outbox.wakeOnCommit). Writers elsewhere still wake it by NOTIFY, and the poll catches the
   * rest (another instance's rows, should that instance die before relaying them).
   */
  outbox?: Outbox;
}

export interface RelayBatchResult {
  published: number;
  deadLettered: number;
  failed: number;
  /** Not confirmed this time; left pending for the next round. */
  retried: number;
  /** Why the first of the retried rows was not confirmed, for the operator's log. */
  retryReason?: string;
  /** Another instance of the service was relaying its outbox: nothing was done this time. */
  busy?: boolean;
}

type RowOutcome =
  | { kind: 'published' }
  | { kind: 'dead_lettered'; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'retry'; reason: string };

/**
 * Publishes what services wrote to their outbox, in the order they wrote it. One instance of a
 * service relays at a time (a transaction-level advisory lock per outbox): two relaying side by side
 * published their batches interleaved, and a later status overtook an earlier one on an ordered
 * queue. Each batch is claimed with SELECT … FOR UPDATE SKIP LOCKED besides, so a row is never sent
 * twice; rows are published persistent and mandatory and marked sent in the same transaction only
 * after the broker's confirm. If the relay dies between the confirm and the commit, the rows are
 * published again later: consumers' inboxes absorb the duplicate.
 *
 * A message no queue is bound for is not retried forever nor dropped: it is copied to the
 * dead-letter exchange (routing key "unroutable") with reason "unroutable: <exchange>/<key>" and
 * marked dead_lettered. If even that is impossible, the row is marked failed for an operator.
 */
export class OutboxRelay {
  private readonly schema: string;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly appId: string;
  private readonly deadLetterExchange: string;
  private readonly logger: MessagingLogger;
  private publisher: ConfirmPublisher | undefined;
  private checker: ExchangeChecker | undefined;
  private listener: DbNotificationListener | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private stopConnectListener: (() => void) | undefined;
  private stopLocalWakeUps: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private wanted = false;
  private stopping = false;

  constructor(private readonly opts: OutboxRelayOptions) {
    assertSchemaName(opts.schema);
    if (opts.outbox !== undefined && opts.outbox.schema !== opts.schema) throw new Error(`OutboxRelay of ${opts.schema} given the outbox of ${opts.outbox.schema}`);
    this.schema = opts.schema;
    this.batchSize = positive('batchSize', opts.batchSize ?? 100);
    this.pollMs = positive('pollMs', opts.pollMs ?? 1000);
    this.appId = opts.appId ?? opts.schema;
    this.deadLetterExchange = opts.deadLetterExchange ?? EdocExchanges.deadLetter;
    this.logger = opts.logger ?? defaultLogger(`OutboxRelay:${opts.schema}`);
  }

  /** Starts relaying in the background until `stop()`. */
  start(): void {
    if (this.publisher !== undefined) return;
    this.stopping = false;
    this.ensurePublisher();
    this.opts.db
      .listen(outboxNotifyChannel(this.schema), {
        onNotification: () => this.kick(),
        onConnected: () => this.kick(),
      })
      .then((listener) => {
        if (this.stopping) void listener.close();
        else this.listener = listener;
      })
      .catch((error: unknown) => this.logger.warn(`LISTEN failed, relying on polling: ${errorMessage(error)}`));
    this.pollTimer = setInterval(() => this.kick(), this.pollMs);
    this.stopConnectListener = this.opts.connection.onConnect(() => this.kick());
    this.stopLocalWakeUps = this.opts.outbox?.wakeOnCommit(() => this.kick());
    this.kick();
  }

  /**
   * Stops after the batch in progress, waiting for it `graceMs` at most: a batch waiting for a pool
   * connection (held by handlers a stopping service gave up on) or for confirms that do not come would
   * hold the stop for up to 10 s. Closing the channel then fails its publishes at once; its rows stay
   * pending and go out on the next start, and a row confirmed but not yet marked sent goes twice,
   * which the inboxes absorb.
   * The connection and database stay open (they are the caller's).
   */
  async stop(graceMs = 1000): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    this.stopConnectListener?.();
    this.stopLocalWakeUps?.();
    await this.listener?.close();
    this.listener = undefined;
    if (!(await settlesWithin(this.loop, graceMs))) {
      this.logger.warn(`the batch in progress is not done after ${graceMs} ms: closing its channel, its unconfirmed rows stay pending`);
    }
    await this.publisher?.close();
    this.publisher = undefined;
    await settlesWithin(this.loop, graceMs);
  }

  /** Rows neither sent nor failed. */
  async pending(): Promise<number> {
    const { rows } = await this.opts.db.query<{ count: string }>(
      `SELECT count(*) FROM ${this.schema}.outbox WHERE sent_at IS NULL AND failed_at IS NULL`,
    );
    return Number(rows[0]?.count ?? 0);
  }

  /** Puts rows marked failed back in line, after an operator fixed the topology. */
  async retryFailed(): Promise<number> {
    const { rowCount } = await this.opts.db.query(
      `UPDATE ${this.schema}.outbox SET failed_at = NULL WHERE failed_at IS NOT NULL AND sent_at IS NULL`,
    );
    this.kick();
    return rowCount ?? 0;
  }

  /** Deletes sent rows older than the retention. */
  async purgeSent(olderThanMs: number): Promise<number> {
    const { rowCount } = await this.opts.db.query(
      `DELETE FROM ${this.schema}.outbox WHERE sent_at < now() - make_interval(secs => $1)`,
      [olderThanMs / 1000],
    );
    return rowCount ?? 0;
  }

  /** Relays one batch now (also usable without start(), e.g. from a test or a one-off tool). */
  async relayBatch(): Promise<RelayBatchResult> {
    const publisher = this.ensurePublisher();
    const checker = this.checker as ExchangeChecker;
    const result: RelayBatchResult = { published: 0, deadLettered: 0, failed: 0, retried: 0 };
    if (!this.opts.connection.isConnected()) return result;
    return this.opts.db.transaction(
      async (tx) => {
        // The lock and the rows in one round trip: the lock is taken once (a CTE that calls a
        // volatile function is evaluated once), and the rows are read only when it was taken.
        // A row of NULLs stands for none (the LEFT JOIN keeps the lock's row).
        const { rows: found } = await tx.query<OutboxRow & { locked: boolean }>(
          `WITH lock AS (SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked)
           SELECT lock.locked, o.* FROM lock LEFT JOIN LATERAL (
             SELECT seq, message_id, exchange, routing_key, message_type, body, headers, priority, created_at
               FROM ${this.schema}.outbox
              WHERE lock.locked AND sent_at IS NULL AND failed_at IS NULL
              ORDER BY seq
              LIMIT $2
              FOR UPDATE SKIP LOCKED) o ON true`,
          [`edoc.outbox.${this.schema}`, this.batchSize],
        );
        if (found[0]?.locked !== true) return { ...result, busy: true };
        const rows: OutboxRow[] = found.filter((row) => row.seq !== null);
        if (rows.length === 0) return result;
        let missing: Set<string>;
        try {
          missing = await checker.missing(rows.map((row) => row.exchange));
        } catch (error) {
          await this.record(tx, rows.map((row) => ({ row, outcome: { kind: 'retry', reason: errorMessage(error) } as RowOutcome })));
          result.retried = rows.length;
          result.retryReason = errorMessage(error);
          return result;
        }
        // Published together on one channel: the wire keeps their order, the confirms come back in bulk.
        const outcomes = await Promise.all(rows.map(async (row) => ({ row, outcome: await this.relayRow(publisher, row, missing) })));
        await this.record(tx, outcomes);
        for (const { outcome } of outcomes) {
          if (outcome.kind === 'published') result.published++;
          else if (outcome.kind === 'dead_lettered') result.deadLettered++;
          else if (outcome.kind === 'failed') result.failed++;
          else {
            result.retried++;
            result.retryReason ??= outcome.reason;
          }
        }
        return result;
      },
      // Re-running the callback would publish again: no automatic retry here.
      { maxAttempts: 1 },
    );
  }

  private async relayRow(publisher: ConfirmPublisher, row: OutboxRow, missing: Set<string>): Promise<RowOutcome> {
    let reason: string;
    if (missing.has(row.exchange)) {
      reason = `unroutable: ${row.exchange}/${row.routing_key}: exchange ${row.exchange} does not exist`;
    } else {
      try {
        const outcome = await publisher.publish(outboxRowToMessage(row, this.appId, this.opts.connection.username));
        if (outcome.routed) return { kind: 'published' };
        reason = outcome.reason;
      } catch (error) {
        // The exchange may have been deleted since it was checked.
        this.checker?.forget(row.exchange);
        return { kind: 'retry', reason: errorMessage(error) };
      }
    }
    return this.deadLetter(publisher, row, reason);
  }

  private async deadLetter(publisher: ConfirmPublisher, row: OutboxRow, reason: string): Promise<RowOutcome> {
    const checker = this.checker as ExchangeChecker;
    const impossible = `${reason}; dead-lettering impossible too`;
    try {
      if ((await checker.missing([this.deadLetterExchange])).size > 0) {
        return { kind: 'failed', reason: `${impossible}: exchange ${this.deadLetterExchange} does not exist (run \`npm run provision\`)` };
      }
      const copy = deadLetterCopy(
        outboxRowToMessage(row, this.appId, this.opts.connection.username),
        { reason, exchange: row.exchange, routingKey: row.routing_key, deadLetteredBy: `outbox-relay:${this.schema}` },
        this.deadLetterExchange,
        UNROUTABLE_ROUTING_KEY,
        this.opts.connection.username,
      );
      const outcome = await publisher.publish(copy);
      if (outcome.routed) {
        this.logger.warn(`message ${row.message_id} dead-lettered: ${reason}`);
        return { kind: 'dead_lettered', reason };
      }
      return {
        kind: 'failed',
        reason: `${impossible}: no queue bound to ${this.deadLetterExchange} for "${UNROUTABLE_ROUTING_KEY}" (run \`npm run provision\`)`,
      };
    } catch (error) {
      return { kind: 'retry', reason: `${reason}; dead-lettering not confirmed: ${errorMessage(error)}` };
    }
  }

  private async record(tx: Tx, outcomes: { row: OutboxRow; outcome: RowOutcome }[]): Promise<void> {
    const seqs = (kind: RowOutcome['kind']) => outcomes.filter((entry) => entry.outcome.kind === kind).map((entry) => entry.row.seq);
    const published = seqs('published');
    if (published.length > 0) {
      // Pipelined with the COMMIT: nothing needs its answer first, and every relay round saves a round trip.
      tx.pipelineWrite(`UPDATE ${this.schema}.outbox SET sent_at = now(), outcome = 'published', attempts = attempts + 1 WHERE seq = ANY($1::bigint[])`, [published]);
    }
    for (const { row, outcome } of outcomes) {
      if (outcome.kind === 'published') continue;
      const set =
        outcome.kind === 'dead_lettered'
          ? `sent_at = now(), outcome = 'dead_lettered'`
          : outcome.kind === 'failed'
            ? 'failed_at = now()'
            : '';
      await tx.query(
        `UPDATE ${this.schema}.outbox SET ${set}${set === '' ? '' : ', '}attempts = attempts + 1, last_error = $2 WHERE seq = $1`,
        [row.seq, outcome.reason],
      );
      if (outcome.kind === 'failed') this.logger.error(`message ${row.message_id} could not be relayed: ${outcome.reason}`);
    }
  }

  private ensurePublisher(): ConfirmPublisher {
    if (this.publisher === undefined) {
      this.publisher = new ConfirmPublisher(this.opts.connection, {
        name: `outbox-relay:${this.schema}`,
        timeoutMs: this.opts.publishTimeoutMs,
      });
      this.checker = new ExchangeChecker(this.opts.connection);
    }
    return this.publisher;
  }

  /** Asks for a relay round; rounds never overlap, and a request during a round causes one more. */
  private kick(): void {
    this.wanted = true;
    if (this.loop === undefined && !this.stopping) {
      this.loop = this.run().finally(() => {
        this.loop = undefined;
      });
    }
  }

  private async run(): Promise<void> {
    // Commits that finish in the same turn of the event loop are relayed in one round.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.wanted && !this.stopping) {
      this.wanted = false;
      try {
        const result = await this.relayBatch();
        if (result.busy === true) {
          // The other instance may finish before it sees what this one just wrote: look again shortly.
          setTimeout(() => this.kick(), BUSY_RETRY_MS).unref();
          continue;
        }
        const handled = result.published + result.deadLettered + result.failed;
        // A full batch means more may be waiting; retries wait for the next poll instead of spinning.
        if (handled + result.retried >= this.batchSize && result.retried === 0) this.wanted = true;
        if (result.retried > 0) this.logger.warn(`${result.retried} message(s) not confirmed (${result.retryReason}), retrying in ${this.pollMs} ms`);
      } catch (error) {
        this.logger.error(`outbox relay round failed: ${errorMessage(error)}`);
      }
    }
  }
}

/** How soon a relay that found another instance relaying looks again. */
const BUSY_RETRY_MS = 50;

/** True when `work` settled within `ms`. */
async function settlesWithin(work: Promise<void> | undefined, ms: number): Promise<boolean> {
  if (work === undefined) return true;
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([work.then(() => true, () => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return settled;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`OutboxRelay ${name} must be a positive integer, got ${value}`);
  return value;
}
