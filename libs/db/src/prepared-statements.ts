import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';

/**
 * Distinct statement texts given a name, per process. The services' SQL is a fixed set written in
 * the code, so this is never reached; it bounds what a connection prepares if a caller ever builds
 * SQL from data, and past it statements are simply parsed each time as before.
 */
export const MAX_PREPARED_STATEMENTS = 1000;

/**
 * Turns a parameterised statement into a named one, so each connection parses and plans it once
 * and then only binds and executes it (pg keeps the names it prepared per connection). Parsing and
 * planning were a large share of PostgreSQL's CPU per document. The name is the text's hash, the
 * same in every process, so a statement's text always matches its name.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();

  constructor(private readonly max = MAX_PREPARED_STATEMENTS) {}

  config(sql: string, params: unknown[] | undefined): QueryConfig {
    // Without parameters it goes by the simple protocol: one round trip, nothing to reuse.
    if (params === undefined) return { text: sql };
    const name = this.nameOf(sql);
    return name === undefined ? { text: sql, values: params } : { name, text: sql, values: params };
  }

  private nameOf(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined || this.names.size >= this.max) return known;
    const name = `edoc_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
    this.names.set(sql, name);
    return name;
  }
}
