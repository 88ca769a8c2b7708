import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import { Inbox } from '@edoc/messaging';
import { RevocationStore, ServiceReadiness } from '@edoc/runtime';
import { createTestDatabase, type TestDatabase, waitFor } from '@edoc/testing';

describe('a service starting while PostgreSQL goes away (real PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let migrations: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = new Database({ url: testDb.url, applicationName: 'readiness-test', logger: { warn: () => undefined } });
    // The first attempt at the migration fails as a PostgreSQL shutting down answers (57P03); a
    // sequence is not rolled back with the failed transaction, so the second attempt goes through.
    await db.query('CREATE SEQUENCE public.fail_once');
    migrations = mkdtempSync(join(tmpdir(), 'edoc-readiness-'));
    writeFileSync(
      join(migrations, '001_fails_once.sql'),
      `DO $$ BEGIN IF nextval('public.fail_once') = 1 THEN RAISE EXCEPTION USING ERRCODE = '57P03', MESSAGE = 'the database system is shutting down'; END IF; END $$;
       CREATE TABLE svc.migrated (id int);`,
    );
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
    rmSync(migrations, { recursive: true, force: true });
  });

  it('waits the outage out and migrates, instead of failing its start; told to stop meanwhile, it stops', async () => {
    // No broker credentials in this data folder: once migrated, the service waits for them.
    const config = { ...loadConfig(), databaseUrl: testDb.url, dataDir: migrations };
    const options = { name: 'svc' as never, defaultPort: 0, migrationsDir: migrations };
    const readiness = new ServiceReadiness(options, config, db, new Inbox('svc'), new RevocationStore(db, options));
    const started = readiness.start();
    await waitFor('the schema to be migrated', () => readiness.describe().phase === 'waiting-for-broker', { timeoutMs: 20_000, intervalMs: 100 });
    expect((await db.query(`SELECT to_regclass('svc.migrated') AS t`)).rows[0].t).toBe('svc.migrated');
    await readiness.onApplicationShutdown();
    expect(await started).toBe(false);
  });
});
