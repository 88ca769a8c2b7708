import type { QueryResult, QueryResultRow } from 'pg';

export type { QueryResult, QueryResultRow } from 'pg';

/** Anything that runs SQL: the pool, one transaction, one dedicated connection. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** A transaction in progress; valid only inside the callback that received it. */
export type Tx = Queryable;

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** Where the library reports problems it recovers from by itself. */
export interface DbLogger {
  warn(message: string): void;
}
