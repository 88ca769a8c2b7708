import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { redactUrl } from '@edoc/config';
import { assertPostgresUrl } from './connection-url';
import { errorMessage } from './pg-errors';

export interface WaitForDatabaseOptions {
  /** Give up after this long; default 60 s. */
  timeoutMs?: number;
  /** Told about each failed attempt, e.g. to log "waiting for PostgreSQL". */
  onRetry?: (info: { attempt: number; error: Error; delayMs: number }) => void;
}

/**
 * Resolves once the database answers a query. Services start alongside PostgreSQL, so a refused
 * connection is retried with a growing pause; the final error names the server (without password)
 * and the last reason.
 */
export async function waitForDatabase(url: string, opts: WaitForDatabaseOptions = {}): Promise<void> {
  assertPostgresUrl(url);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now();
    const client = new Client({ connectionString: url, connectionTimeoutMillis: Math.max(500, Math.min(5_000, remaining)) });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (caught) {
      await client.end().catch(() => undefined);
      const error = caught instanceof Error ? caught : new Error(errorMessage(caught));
      const delayMs = Math.min(2_000, 100 * 2 ** (attempt - 1));
      if (Date.now() + delayMs >= deadline) {
        throw new Error(`database ${redactUrl(url)} not reachable after ${timeoutMs} ms (${attempt} attempts): ${error.message}`);
      }
      opts.onRetry?.({ attempt, error, delayMs });
      await sleep(delayMs);
    }
  }
}
