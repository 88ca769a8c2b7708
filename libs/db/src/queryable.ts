import type { QueryResult, QueryResultRow } from 'pg';

export type { QueryResult, QueryResultRow } from 'pg';

/** Anything that runs SQL: the pool, one transaction, one dedicated connection. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** A transaction in progress; valid only inside the callback that received it. */
export interface Tx extends Queryable {
  /**
   * Sends a write whose result nobody needs before COMMIT (an outbox row, an audit append, marking
   * rows sent) without waiting for its answer: what the transaction sends next, COMMIT included,
   * follows it on the pipelined connection instead of a round trip later. It runs in order with the
   * transaction's other statements. Should it fail, the transaction rolls back and `transaction()`
   * throws its error, passed through `explain` when given (a raw retryable error, a deadlock say,
   * is retried as any other).
   */
  pipelineWrite(sql: string, params?: unknown[], explain?: (error: unknown) => unknown): void;
  /**
   * Runs `callback` once the transaction has committed, and never when it rolls back (an attempt
   * that is retried counts as rolled back). For work in this process that must wait for the commit
   * and needs no answer: waking the outbox's relay, say. A callback that throws is logged, not
   * rethrown: the transaction has committed by then.
   */
  afterCommit(callback: () => void): void;
}

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** Where the library reports problems it recovers from by itself. */
export interface DbLogger {
  warn(message: string): void;
}
