import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import { Inbox, Outbox } from '@edoc/messaging';
import { RevocationStore, ServiceReadiness } from '@edoc/runtime';
import { createTestDatabase, createTestVhost, type TestDatabase, type TestVhost, waitFor } from '@edoc/testing';

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

  describe('once connected to the broker', () => {
    let vhost: TestVhost;
    const savedEnv = { user: process.env.EDOC_BROKER_USER, password: process.env.EDOC_BROKER_PASSWORD };

    beforeAll(async () => {
      vhost = await createTestVhost({ prefix: 'edoc-readiness' });
      // The service's own broker user, as provisioning makes it (a service may not connect as guest).
      process.env.EDOC_BROKER_USER = `svc@${vhost.vhost}`;
      process.env.EDOC_BROKER_PASSWORD = 'readiness-test-password';
      await vhost.management.putUser(process.env.EDOC_BROKER_USER, process.env.EDOC_BROKER_PASSWORD);
      await vhost.management.setPermissions(vhost.vhost, process.env.EDOC_BROKER_USER, { configure: '.*', write: '.*', read: '.*' });
      await db.query('CREATE SEQUENCE public.fail_preparation_once');
    });

    afterAll(async () => {
      process.env.EDOC_BROKER_USER = savedEnv.user;
      process.env.EDOC_BROKER_PASSWORD = savedEnv.password;
      if (savedEnv.user === undefined) delete process.env.EDOC_BROKER_USER;
      if (savedEnv.password === undefined) delete process.env.EDOC_BROKER_PASSWORD;
      await vhost?.drop();
    });

    const readinessOn = () => {
      const config = { ...loadConfig(), databaseUrl: testDb.url, amqpUrl: vhost.amqpUrl, dataDir: migrations };
      const options = { name: 'svc' as never, defaultPort: 0, migrationsDir: migrations };
      return new ServiceReadiness(options, config, db, new Inbox('svc'), new Outbox('svc'), new RevocationStore(db, options));
    };

    it('waits out PostgreSQL going away during its preparations (as identity\'s first signing key), and runs them again', async () => {
      const readiness = readinessOn();
      let runs = 0;
      readiness.prepareBeforeReady(async () => {
        runs++;
        // As a PostgreSQL restarting answers a statement that was under way (57P01).
        await db.query(
          `DO $$ BEGIN IF nextval('public.fail_preparation_once') = 1 THEN RAISE EXCEPTION USING ERRCODE = '57P01', MESSAGE = 'terminating connection due to administrator command'; END IF; END $$`,
        );
      });
      try {
        expect(await readiness.start()).toBe(true);
        expect(readiness.describe().ready).toBe(true);
        expect(runs).toBe(2);
      } finally {
        await readiness.onApplicationShutdown();
      }
    });

    it('fails its start at once on a preparation that fails for another reason', async () => {
      const readiness = readinessOn();
      let runs = 0;
      readiness.prepareBeforeReady(async () => {
        runs++;
        throw new Error('the demo passwords are still set');
      });
      try {
        await expect(readiness.start()).rejects.toThrow('the demo passwords are still set');
        expect(readiness.describe()).toMatchObject({ phase: 'failed', ready: false, detail: 'the demo passwords are still set' });
        expect(runs).toBe(1);
      } finally {
        await readiness.onApplicationShutdown();
      }
    });
  });

  it('waits the outage out and migrates, instead of failing its start; told to stop meanwhile, it stops', async () => {
    // No broker credentials in this data folder: once migrated, the service waits for them.
    const config = { ...loadConfig(), databaseUrl: testDb.url, dataDir: migrations };
    const options = { name: 'svc' as never, defaultPort: 0, migrationsDir: migrations };
    const readiness = new ServiceReadiness(options, config, db, new Inbox('svc'), new Outbox('svc'), new RevocationStore(db, options));
    const started = readiness.start();
    await waitFor('the schema to be migrated', () => readiness.describe().phase === 'waiting-for-broker', { timeoutMs: 20_000, intervalMs: 100 });
    expect((await db.query(`SELECT to_regclass('svc.migrated') AS t`)).rows[0].t).toBe('svc.migrated');
    await readiness.onApplicationShutdown();
    expect(await started).toBe(false);
  });
});
