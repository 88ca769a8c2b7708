import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { envBool, redactUrl } from '@edoc/config';
import { coalesceWrites } from './coalesced-writes';
import { assertPostgresUrl } from './connection-url';
import { DbNotificationListener, type NotificationListenerOptions } from './notification-listener';
import { errorMessage, isRetryableTransactionError, isStalePreparedStatement } from './pg-errors';
import { PreparedStatements } from './prepared-statements';
import type { DbLogger, IsolationLevel, Queryable, Tx } from './queryable';

export interface DatabaseOptions {
  url: string;
  /** Shown in pg_stat_activity, so an operator can tell the services apart. */
  applicationName?: string;
  /** Pool size. */
  max?: number;
  logger?: DbLogger;
}

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Attempts in all when the transaction hits a serialization failure or a deadlock. */
  maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 5;

/** A pool of PostgreSQL connections with transactions that retry serialization failures. */
export class Database implements Queryable {
  private readonly pool: Pool;
  private readonly logger: DbLogger;
  private readonly listeners = new Set<DbNotificationListener>();
  private closed = false;
  private readonly statements = new PreparedStatements();
  /**
   * Fails code that asks the pool for a connection inside a transaction (EDOC_DB_SCOPE_CHECKS=1; the test suites set it).
   * Such code deadlocks under concurrency: each handler holds a connection and waits for one its
   * peers hold, until the connect timeout fails them all. Off by default because it needs an
   * AsyncLocalStorage, which slows every promise of the process (1.5 to 2.7 times on a loop of
   * awaits, measured on Node 20).
   */
  private readonly transactionScope = envBool('EDOC_DB_SCOPE_CHECKS', false) ? new AsyncLocalStorage<true>() : undefined;

  constructor(private readonly opts: DatabaseOptions) {
    assertPostgresUrl(opts.url);
    if (opts.max !== undefined && (!Number.isInteger(opts.max) || opts.max < 1)) {
      throw new Error(`Database pool size must be a positive integer, got ${opts.max}`);
    }
    this.logger = opts.logger ?? { warn: (message) => console.warn(message) };
    this.pool = new Pool({
      connectionString: opts.url,
      application_name: opts.applicationName,
      max: opts.max ?? 10,
      connectionTimeoutMillis: 10_000,
      // A transaction's BEGIN leaves with its first statement instead of a round trip ahead of it.
      pipeline: true,
    });
    // An idle connection dropped by the server (restart, pg_terminate_backend) must not crash the
    // process: the pool discards it and opens a fresh one on the next query.
    this.pool.on('error', (error) => {
      this.logger.warn(`idle database connection to ${redactUrl(opts.url)} failed: ${error.message}`);
    });
    // pg-pool listens on a client it lends to pool.query only `once`: a server shutdown (57P01)
    // that errors the running query and then the connection emits a second 'error' nobody hears,
    // which kills the process. Every client keeps a listener of its own; the pool still discards it.
    this.pool.on('connect', (client) => {
      client.on('error', () => undefined);
      coalesceWrites((client as unknown as { connection?: { stream?: unknown } }).connection?.stream);
    });
  }

  get url(): string {
    return this.opts.url;
  }

  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    this.assertOpen();
    const misuse = this.connectionWantedInsideTransaction(`a query (${sql.slice(0, 60)})`);
    if (misuse !== undefined) return Promise.reject(misuse);
    const config = this.statements.config(sql, params);
    // pg-pool discards a connection whose query failed, so the second try prepares afresh.
    return this.pool.query<R>(config).catch((error: unknown) => {
      if (!isStalePreparedStatement(error)) throw error;
      return this.pool.query<R>(config);
    });
  }

  /**
   * Runs `fn` in one transaction and commits it. A serialization failure or deadlock re-runs `fn`
   * from the start in a fresh transaction, so `fn` must do nothing outside the database that it
   * cannot safely repeat. Any other error rolls back and is rethrown unchanged.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactionOnce(fn, opts.isolation ?? 'read committed');
      } catch (error) {
        if (!isRetryableTransactionError(error) || attempt >= maxAttempts) throw error;
        // Jitter keeps two colliding transactions from colliding again in lock-step.
        await sleep(Math.round(Math.random() * 20 * attempt));
      }
    }
  }

  /** Runs `fn` on one dedicated connection (session-level locks, several transactions in a row). */
  async withConnection<T>(fn: (connection: Queryable) => Promise<T>): Promise<T> {
    this.assertOpen();
    const { client, release } = await this.checkout();
    const handle = new ScopedQueryable(client, 'connection', this.statements);
    let broken: Error | undefined;
    try {
      return await fn(handle);
    } catch (error) {
      broken = error instanceof Error ? error : new Error(errorMessage(error));
      throw error;
    } finally {
      handle.finish();
      // A connection that failed may hold an open transaction or a session lock: discard it.
      release(broken);
    }
  }

  /**
   * Runs `fn` while this process holds the session advisory lock named by `key` (one or two names,
   * hashed), or returns undefined at once when another session holds it. The lock sits on a
   * connection kept aside for it, outside any transaction, so `fn` may run transactions and queries
   * of its own on other connections of the pool; a connection that fails is discarded (withConnection),
   * and the lock ends with it.
   */
  async ifLockFree<T>(key: readonly [string] | readonly [string, string], fn: () => Promise<T>): Promise<T | undefined> {
    const names = key.map((_, index) => `hashtext($${index + 1})`).join(', ');
    return this.withConnection(async (connection) => {
      const { rows } = await connection.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${names}) AS locked`, [...key]);
      if (rows[0]?.locked !== true) return undefined;
      const unlock = () => connection.query(`SELECT pg_advisory_unlock(${names})`, [...key]);
      let result: T;
      try {
        result = await fn();
      } catch (error) {
        // The work's failure is what the caller needs; should the unlock fail too, the connection is discarded and the lock with it.
        await unlock().catch(() => undefined);
        throw error;
      }
      await unlock();
      return result;
    });
  }

  /**
   * LISTENs on a channel over a dedicated connection that comes back by itself after a failure.
   * Notifications sent while it was down are lost, so `onConnected` (called after each (re)connect)
   * is where a caller catches up.
   */
  async listen(channel: string, options: NotificationListenerOptions): Promise<DbNotificationListener> {
    this.assertOpen();
    const listener = new DbNotificationListener(this.opts.url, channel, options, this.logger, this.opts.applicationName);
    this.listeners.add(listener);
    listener.onClose(() => this.listeners.delete(listener));
    await listener.start();
    return listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.listeners].map((listener) => listener.close()));
    await this.pool.end();
  }

  private async transactionOnce<T>(fn: (tx: Tx) => Promise<T>, isolation: IsolationLevel): Promise<T> {
    const { client, release } = await this.checkout();
    const tx = new ScopedQueryable(client, 'transaction', this.statements);
    // Not awaited: the client is pipelined, so BEGIN goes out in one write with the first statement
    // `fn` sends (in the same turn), and the server answers both at once. Its outcome is checked
    // before COMMIT; should it fail, the statements behind it fail too.
    const begun = client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
    begun.catch(() => undefined);
    let result: T;
    try {
      result = await (this.transactionScope === undefined ? fn(tx) : this.transactionScope.run(true, () => fn(tx)));
      await begun;
    } catch (error) {
      tx.finish();
      // A statement awaited behind a failed pipelined write fails only as "transaction aborted": the write's error is the one to report.
      const cause = (await tx.pipelinedFailure()) ?? { raw: error, reported: error };
      try {
        await begun.catch(() => undefined);
        await client.query('ROLLBACK');
        release(isStalePreparedStatement(cause.raw) ? (cause.raw as Error) : undefined);
      } catch (rollbackError) {
        // The connection is unusable (killed backend, network); never hand it out again.
        release(rollbackError instanceof Error ? rollbackError : new Error(errorMessage(rollbackError)));
      }
      throw cause.reported;
    }
    tx.finish();
    // Sent behind the pipelined writes without waiting for their answers. If one failed, the
    // server has aborted the transaction and answers this COMMIT with a rollback.
    const committed = client.query('COMMIT');
    const failed = await tx.pipelinedFailure();
    try {
      await committed;
    } catch (commitError) {
      release(commitError instanceof Error ? commitError : new Error(errorMessage(commitError)));
      throw failed?.reported ?? commitError;
    }
    if (failed !== undefined) {
      release(isStalePreparedStatement(failed.raw) ? (failed.raw as Error) : undefined);
      throw failed.reported;
    }
    release();
    tx.committed(this.logger);
    return result;
  }

  /**
   * A pooled client with an error listener while it is checked out: pg emits 'error' on a client
   * whose server connection dies, and the pool listens only while the client is idle.
   */
  private async checkout(): Promise<{ client: PoolClient; release: (error?: Error) => void }> {
    this.assertOpen();
    const misuse = this.connectionWantedInsideTransaction('a transaction or connection of its own');
    if (misuse !== undefined) throw misuse;
    const client = await this.pool.connect();
    let failure: Error | undefined;
    const onError = (error: Error) => {
      failure = error;
    };
    client.on('error', onError);
    return {
      client,
      release: (error?: Error) => {
        client.removeListener('error', onError);
        client.release(error ?? failure);
      },
    };
  }

  private connectionWantedInsideTransaction(what: string): Error | undefined {
    if (this.transactionScope?.getStore() !== true) return undefined;
    return new Error(`${what} asked the pool for a connection from inside a transaction of the same pool: run it on the transaction (tx), or it may wait for connections that others, waiting likewise, hold`);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Database ${redactUrl(this.opts.url)} is closed`);
  }
}

/** How a pipelined write failed: the server's error, and the one to report (after `explain`). */
interface PipelinedFailure {
  raw: unknown;
  reported: unknown;
}

/** Forwards queries to one client until its scope ends; afterwards use is a bug, reported as one. */
class ScopedQueryable implements Tx {
  private finished = false;
  private readonly pipelined: Promise<PipelinedFailure | undefined>[] = [];
  private readonly onCommit: (() => void)[] = [];

  constructor(
    private readonly client: PoolClient,
    private readonly kind: 'transaction' | 'connection',
    private readonly statements: PreparedStatements,
  ) {}

  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    if (this.finished) {
      return Promise.reject(new Error(`this ${this.kind} has already finished: use it only inside its callback`));
    }
    return this.client.query<R>(this.statements.config(sql, params));
  }

  pipelineWrite(sql: string, params?: unknown[], explain?: (error: unknown) => unknown): void {
    if (this.finished || this.kind !== 'transaction') throw new Error(`a pipelined write needs a transaction in progress, and this ${this.kind} has ${this.finished ? 'already finished' : 'no COMMIT to check it'}`);
    this.pipelined.push(
      this.client.query(this.statements.config(sql, params)).then(
        () => undefined,
        (error: unknown) => ({ raw: error, reported: explain === undefined ? error : explain(error) }),
      ),
    );
  }

  afterCommit(callback: () => void): void {
    if (this.finished || this.kind !== 'transaction') throw new Error(`work after a commit needs a transaction in progress, and this ${this.kind} has ${this.finished ? 'already finished' : 'no COMMIT'}`);
    this.onCommit.push(callback);
  }

  /** Runs what was to follow the commit, which has happened. */
  committed(logger: DbLogger): void {
    for (const callback of this.onCommit.splice(0)) {
      try {
        callback();
      } catch (error) {
        logger.warn(`work after a commit failed: ${errorMessage(error)}`);
      }
    }
  }

  /** The first pipelined write that failed, once all have answered; undefined when none did. */
  async pipelinedFailure(): Promise<PipelinedFailure | undefined> {
    for (const outcome of await Promise.all(this.pipelined)) if (outcome !== undefined) return outcome;
    return undefined;
  }

  finish(): void {
    this.finished = true;
  }
}
