import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig, redactUrl } from '@edoc/config';
import { withDatabase } from '@edoc/db';
import { isStale, uniqueName } from './stale-names';

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  url: string;
  name: string;
  /** Drops the database, closing whatever connections are still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database with a random name on the server of EDOC_DATABASE_URL, so each test
 * file works alone and test files can run in parallel and repeatedly.
 */
export async function createTestDatabase(opts: { serverUrl?: string; prefix?: string } = {}): Promise<TestDatabase> {
  const serverUrl = opts.serverUrl ?? loadConfig().databaseUrl;
  const prefix = opts.prefix ?? 'edoc_test';
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`invalid test database prefix "${prefix}"`);
  const name = uniqueName(prefix, '_', randomBytes(4).toString('hex'));
  const adminUrl = withDatabase(serverUrl, 'postgres');
  await dropStaleDatabases(adminUrl, prefix);
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  let dropped = false;
  return {
    url: withDatabase(serverUrl, name),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      // WITH (FORCE) ends leftover connections (a pool a failing test did not close).
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Drops databases of this prefix left behind by test runs that were killed. */
async function dropStaleDatabases(adminUrl: string, prefix: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}\\_%`]);
    for (const { datname } of rows) {
      if (!isStale(datname, prefix, '_')) continue;
      // Another test file may be dropping the same one.
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    throw new Error(`${sql.split(' ').slice(0, 2).join(' ')} on ${redactUrl(adminUrl)} failed: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
