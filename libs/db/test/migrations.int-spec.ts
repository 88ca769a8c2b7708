import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, runMigrations } from '@edoc/db';
import { createTestDatabase, type TestDatabase } from '@edoc/testing';

describe('runMigrations (real PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;
  let dir: string;

  beforeEach(async () => {
    testDb = await createTestDatabase();
    db = new Database({ url: testDb.url, logger: { warn: () => undefined } });
    dir = await mkdtemp(join(tmpdir(), 'edoc-migrate-'));
  });

  afterEach(async () => {
    await db.close();
    await testDb.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies pending files in name order into the schema, once', async () => {
    await writeFile(join(dir, '001_table.sql'), 'CREATE TABLE :schema.things (id int PRIMARY KEY);');
    await writeFile(join(dir, '002_row.sql'), 'INSERT INTO :schema.things VALUES (1); INSERT INTO :schema.things VALUES (2);');
    expect(await runMigrations(db, { schema: 'svc', directories: [dir] })).toEqual(['001_table.sql', '002_row.sql']);
    expect(await runMigrations(db, { schema: 'svc', directories: [dir] })).toEqual([]);
    const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM svc.things');
    expect(rows[0]!.count).toBe('2');
    const recorded = await db.query<{ name: string }>('SELECT name FROM svc.schema_migrations ORDER BY name');
    expect(recorded.rows.map((row) => row.name)).toEqual(['001_table.sql', '002_row.sql']);

    await writeFile(join(dir, '003_more.sql'), 'INSERT INTO :schema.things VALUES (3);');
    expect(await runMigrations(db, { schema: 'svc', directories: [dir] })).toEqual(['003_more.sql']);
  });

  it('keeps schemas apart: the same files go into each schema separately', async () => {
    await writeFile(join(dir, '001_table.sql'), 'CREATE TABLE :schema.things (id int);');
    await runMigrations(db, { schema: 'one', directories: [dir] });
    await runMigrations(db, { schema: 'two', directories: [dir] });
    const { rows } = await db.query<{ table_schema: string }>(
      "SELECT table_schema FROM information_schema.tables WHERE table_name = 'things' ORDER BY 1",
    );
    expect(rows.map((row) => row.table_schema)).toEqual(['one', 'two']);
  });

  it('rolls back a failing file, records nothing for it, and says which file and line', async () => {
    await writeFile(join(dir, '001_ok.sql'), 'CREATE TABLE :schema.ok (id int);');
    await writeFile(join(dir, '002_bad.sql'), 'CREATE TABLE :schema.half (id int);\nINSERT INTO :schema.missing VALUES (1);\n');
    await expect(runMigrations(db, { schema: 'svc', directories: [dir] })).rejects.toThrow(
      /migration 002_bad.sql failed at line 2: relation "svc.missing" does not exist/,
    );
    const tables = await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'svc' AND table_name = 'half'");
    expect(tables.rows).toHaveLength(0);
    const recorded = await db.query<{ name: string }>('SELECT name FROM svc.schema_migrations');
    expect(recorded.rows.map((row) => row.name)).toEqual(['001_ok.sql']);
  });

  it('refuses a migration edited after it was applied', async () => {
    await writeFile(join(dir, '001_table.sql'), 'CREATE TABLE :schema.things (id int);');
    await runMigrations(db, { schema: 'svc', directories: [dir] });
    await writeFile(join(dir, '001_table.sql'), 'CREATE TABLE :schema.things (id bigint);');
    await expect(runMigrations(db, { schema: 'svc', directories: [dir] })).rejects.toThrow(
      /migration 001_table.sql was changed after it was applied to schema svc/,
    );
  });

  it('applies each file exactly once when several instances start together', async () => {
    await writeFile(join(dir, '001_table.sql'), 'CREATE TABLE :schema.log (n int);');
    // Not idempotent on purpose: a second application would insert a second row.
    await writeFile(join(dir, '002_row.sql'), 'INSERT INTO :schema.log VALUES (1);');
    const others = [1, 2, 3].map(() => new Database({ url: testDb.url }));
    try {
      const results = await Promise.all(others.map((other) => runMigrations(other, { schema: 'svc', directories: [dir] })));
      expect(results.flat().sort()).toEqual(['001_table.sql', '002_row.sql']);
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
    const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM svc.log');
    expect(rows[0]!.count).toBe('1');
  });
});
