import { Database, type DatabaseOptions, runMigrations } from '@edoc/db';
import { messagingMigrationsDir } from '@edoc/messaging';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface MigratedTestDatabase {
  /** The pool on the fresh database, its schema migrated. */
  readonly db: Database;
  /** The fresh database itself (its URL, for a second pool or a raw client). */
  readonly database: TestDatabase;
  /** Closes the pool and drops the database. Safe to call after a failed start. */
  close(): Promise<void>;
}

export interface MigratedTestDatabaseOptions extends Omit<DatabaseOptions, 'url'> {
  /** The service's schema, as it runs in production. */
  readonly schema: string;
  /** The service's own migrations folder; the outbox and inbox tables of @edoc/messaging come first, as in the services. */
  readonly migrations: string;
  readonly prefix?: string;
}

/**
 * A fresh database with one service's schema migrated, as the service would leave it at start:
 * what an integration test of a repository needs before its first query.
 */
export async function createMigratedTestDatabase(opts: MigratedTestDatabaseOptions): Promise<MigratedTestDatabase> {
  const { schema, migrations, prefix, ...poolOptions } = opts;
  const database = await createTestDatabase({ prefix });
  const db = new Database({ ...poolOptions, url: database.url });
  const close = async () => {
    await db.close();
    await database.drop();
  };
  try {
    await runMigrations(db, { schema, directories: [messagingMigrationsDir, migrations] });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { db, database, close };
}
