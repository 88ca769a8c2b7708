import { Client } from 'pg';
import { Database, type Tx, waitForDatabase } from '@edoc/db';
import { createTestDatabase, waitFor, type TestDatabase } from '@edoc/testing';

describe('Database (real PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = new Database({ url: testDb.url, applicationName: 'edoc-db-test', max: 4, logger: { warn: () => undefined } });
    await db.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await db.query('CREATE TABLE items (name text PRIMARY KEY)');
  });

  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('commits what the callback did and returns its value', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES ($1)', ['committed']);
      return 42;
    });
    expect(value).toBe(42);
    const { rows } = await db.query('SELECT name FROM items WHERE name = $1', ['committed']);
    expect(rows).toHaveLength(1);
  });

  it('rolls back everything when the callback throws, and rethrows the same error', async () => {
    const failure = new Error('business rule broken');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items VALUES ($1)', ['rolled-back']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const { rows } = await db.query('SELECT name FROM items WHERE name = $1', ['rolled-back']);
    expect(rows).toHaveLength(0);
  });

  it('runs the first statement, sent together with BEGIN, inside the transaction and at its isolation level', async () => {
    const level = await db.transaction(async (tx) => (await tx.query<{ level: string }>('SELECT current_setting($1) AS level', ['transaction_isolation'])).rows[0]!.level, { isolation: 'serializable' });
    expect(level).toBe('serializable');
    await expect(db.transaction((tx) => tx.query('INSERT INTO items VALUES ($1), ($1)', ['twice']))).rejects.toThrow(/duplicate key/);
    expect((await db.query('SELECT name FROM items WHERE name = $1', ['twice'])).rows).toHaveLength(0);
    // Every pooled connection is still usable after the failure behind its pipelined BEGIN.
    const levels = await Promise.all([1, 2, 3, 4].map(() => db.transaction(async (tx) => (await tx.query<{ level: string }>("SELECT current_setting('transaction_isolation') AS level")).rows[0]!.level)));
    expect(levels).toEqual(['read committed', 'read committed', 'read committed', 'read committed']);
  });

  it('refuses a transaction handle used after its transaction ended', async () => {
    let leaked: { query: (sql: string) => Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toThrow(/already finished/);
  });

  /**
   * Two serializable increments of counter `id` whose first attempts both read before either
   * writes, so one loses; `write` sends the update. Returns the counter after both and the attempts made.
   */
  async function racedIncrements(id: number, write: (tx: Tx, n: number) => Promise<unknown> | void): Promise<{ n: number; runs: number }> {
    await db.query('INSERT INTO counter VALUES ($1, 0) ON CONFLICT (id) DO UPDATE SET n = 0', [id]);
    let runs = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let readers = 0;
    const increment = () =>
      db.transaction(
        async (tx) => {
          runs++;
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter WHERE id = $1', [id]);
          if (++readers === 2) release();
          if (readers <= 2) await bothRead;
          await write(tx, rows[0]!.n + 1);
        },
        { isolation: 'serializable' },
      );
    await Promise.all([increment(), increment()]);
    const { rows } = await db.query<{ n: number }>('SELECT n FROM counter WHERE id = $1', [id]);
    return { n: rows[0]!.n, runs };
  }

  it('re-runs a serializable transaction that lost a serialization conflict', async () => {
    await expect(racedIncrements(1, (tx, n) => tx.query('UPDATE counter SET n = $1 WHERE id = 1', [n]))).resolves.toEqual({ n: 2, runs: 3 });
  });

  it('commits a pipelined write with its transaction, in order with the statements after it', async () => {
    const seen = await db.transaction(async (tx) => {
      tx.pipelineWrite('INSERT INTO items VALUES ($1)', ['pipelined']);
      return (await tx.query<{ n: string }>('SELECT count(*) AS n FROM items WHERE name = $1', ['pipelined'])).rows[0]!.n;
    });
    expect(seen).toBe('1');
    expect((await db.query('SELECT name FROM items WHERE name = $1', ['pipelined'])).rows).toHaveLength(1);
  });

  it('rolls the whole transaction back when a pipelined write fails, and throws its error as explained', async () => {
    await db.query('INSERT INTO items VALUES ($1)', ['taken']);
    const explained = new Error('that name is taken');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items VALUES ($1)', ['before-the-failure']);
        tx.pipelineWrite('INSERT INTO items VALUES ($1)', ['taken'], (error) => ((error as { code?: string }).code === '23505' ? explained : error));
      }),
    ).rejects.toBe(explained);
    expect((await db.query('SELECT name FROM items WHERE name = $1', ['before-the-failure'])).rows).toHaveLength(0);
    // Every pooled connection is usable afterwards: none is left inside the aborted transaction.
    const open = await Promise.all([1, 2, 3, 4].map(() => db.transaction(async (tx) => (await tx.query<{ n: string }>('SELECT count(*) AS n FROM items WHERE name = $1', ['taken'])).rows[0]!.n)));
    expect(open).toEqual(['1', '1', '1', '1']);
  });

  it("reports a failed pipelined write's own error when a statement after it fails only because the transaction was aborted", async () => {
    await expect(
      db.transaction(async (tx) => {
        tx.pipelineWrite('INSERT INTO no_such_table VALUES (1)');
        await tx.query('SELECT 1');
      }),
    ).rejects.toThrow(/no_such_table/);
  });

  it('re-runs a transaction whose pipelined write lost a serialization conflict', async () => {
    await expect(racedIncrements(2, (tx, n) => tx.pipelineWrite('UPDATE counter SET n = $1 WHERE id = 2', [n]))).resolves.toEqual({ n: 2, runs: 3 });
  });

  it('refuses a pipelined write after its transaction ended', async () => {
    let leaked: { pipelineWrite: (sql: string) => void } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    expect(() => leaked!.pipelineWrite('INSERT INTO items VALUES (1)')).toThrow(/already finished/);
  });

  it('runs work after the commit, when another connection sees what was committed, and never for an attempt that rolled back', async () => {
    const seenAtCallback: number[] = [];
    const visibleCount = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM items WHERE name = $1', ['after-commit'])).rows[0]!.n);
    const waits: Promise<void>[] = [];
    await db.transaction(async (tx) => {
      tx.pipelineWrite('INSERT INTO items VALUES ($1)', ['after-commit']);
      tx.afterCommit(() => waits.push(visibleCount().then((n) => void seenAtCallback.push(n))));
    });
    await Promise.all(waits);
    expect(seenAtCallback).toEqual([1]);

    let rolledBackRuns = 0;
    await expect(
      db.transaction(async (tx) => {
        tx.afterCommit(() => rolledBackRuns++);
        tx.pipelineWrite('INSERT INTO items VALUES ($1)', ['after-commit']);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(rolledBackRuns).toBe(0);

    // Of a transaction that lost a serialization conflict and ran again, only the attempt that committed.
    let afterCommits = 0;
    await expect(racedIncrements(3, (tx, n) => {
      tx.afterCommit(() => afterCommits++);
      return tx.query('UPDATE counter SET n = $1 WHERE id = 3', [n]);
    })).resolves.toEqual({ n: 2, runs: 3 });
    expect(afterCommits).toBe(2);
  });

  it('logs, and does not throw, work after a commit that failed: the transaction committed', async () => {
    const warnings: string[] = [];
    const logged = new Database({ url: testDb.url, applicationName: 'edoc-db-test', max: 1, logger: { warn: (message) => warnings.push(message) } });
    try {
      await expect(logged.transaction(async (tx) => {
        tx.afterCommit(() => {
          throw new Error('the wake-up broke');
        });
        await tx.query('INSERT INTO items VALUES ($1)', ['committed-anyway']);
        return 'done';
      })).resolves.toBe('done');
      expect(warnings).toEqual(['work after a commit failed: the wake-up broke']);
      expect((await db.query('SELECT name FROM items WHERE name = $1', ['committed-anyway'])).rows).toHaveLength(1);
    } finally {
      await logged.close();
    }
  });

  it('refuses work after a commit outside a transaction in progress', async () => {
    let leaked: Tx | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    expect(() => leaked!.afterCommit(() => undefined)).toThrow(/already finished/);
    await expect(db.withConnection(async (connection) => (connection as Tx).afterCommit(() => undefined))).rejects.toThrow(/no COMMIT/);
  });

  it('prepares a repeated parameterised statement once per connection and reuses it', async () => {
    const sql = 'SELECT name FROM items WHERE name = $1';
    const prepared = await db.withConnection(async (connection) => {
      for (const name of ['a', 'b', 'c']) await connection.query(sql, [name]);
      const { rows } = await connection.query<{ count: string }>('SELECT count(*) AS count FROM pg_prepared_statements WHERE statement = $1', [sql]);
      return Number(rows[0].count);
    });
    expect(prepared).toBe(1);
  });

  it('re-runs on a fresh connection a statement prepared before a migration changed its columns', async () => {
    await db.query('CREATE TABLE evolving (id int PRIMARY KEY)');
    await db.query('INSERT INTO evolving VALUES (1)');
    const readAll = () => db.transaction(async (tx) => (await tx.query('SELECT * FROM evolving WHERE id = $1', [1])).rows);
    // Prepared on every pooled connection, as a running service would have it.
    await Promise.all([readAll(), readAll(), readAll(), readAll()]);
    const migrator = new Client({ connectionString: testDb.url });
    await migrator.connect();
    await migrator.query("ALTER TABLE evolving ADD COLUMN label text NOT NULL DEFAULT 'new'");
    await migrator.end();

    await expect(Promise.all([readAll(), readAll(), readAll(), readAll()])).resolves.toEqual(Array(4).fill([{ id: 1, label: 'new' }]));
    await expect(db.query('SELECT * FROM evolving WHERE id = $1', [1]).then((r) => r.rows)).resolves.toEqual([{ id: 1, label: 'new' }]);
  });

  it('keeps working after the server kills one of its connections', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
      }),
    ).rejects.toThrow(/terminat/);
    const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]!.one).toBe(1);
  });

  it('delivers NOTIFY payloads and comes back after its LISTEN connection is killed', async () => {
    const payloads: (string | undefined)[] = [];
    let connects = 0;
    const listener = await db.listen('edoc_test_channel', {
      onNotification: (payload) => payloads.push(payload),
      onConnected: () => connects++,
      maxBackoffMs: 200,
    });
    try {
      await db.query("SELECT pg_notify('edoc_test_channel', 'first')");
      await waitFor('first notification', () => payloads.includes('first'));
      await db.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'edoc-db-test:listen' AND datname = current_database()",
      );
      await waitFor('the listener to reconnect', () => connects >= 2 && listener.isListening());
      await db.query("SELECT pg_notify('edoc_test_channel', 'second')");
      await waitFor('second notification', () => payloads.includes('second'));
    } finally {
      await listener.close();
    }
    expect(connects).toBe(2);
  });
});

/** Other test files run beside this one, in databases of their own. */
const ADVISORY_LOCKS_HERE = "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

describe('Database with EDOC_DB_SCOPE_CHECKS=1 (real PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;
  const before = process.env.EDOC_DB_SCOPE_CHECKS;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    process.env.EDOC_DB_SCOPE_CHECKS = '1';
    db = new Database({ url: testDb.url, applicationName: 'edoc-db-scope-test', max: 2 });
    await db.query('CREATE TABLE items (name text PRIMARY KEY)');
  });

  afterAll(async () => {
    if (before === undefined) delete process.env.EDOC_DB_SCOPE_CHECKS;
    else process.env.EDOC_DB_SCOPE_CHECKS = before;
    await db.close();
    await testDb.drop();
  });

  it('fails a query or a transaction asked of the pool from inside one of its transactions, which rolls back', async () => {
    const aside = db.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES ($1)', ['inside']);
      await db.query('SELECT 1');
    });
    await expect(aside).rejects.toThrow(/a query \(SELECT 1\) asked the pool for a connection from inside a transaction of the same pool/);
    const nested = db.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES ($1)', ['inside']);
      await db.transaction((inner) => inner.query('SELECT 1'));
    });
    await expect(nested).rejects.toThrow(/a transaction or connection of its own asked the pool/);
    expect((await db.query('SELECT name FROM items')).rows).toEqual([]);
  });

  it('refuses a value of EDOC_DB_SCOPE_CHECKS that is neither true nor false, rather than run unchecked', () => {
    process.env.EDOC_DB_SCOPE_CHECKS = 'sometimes';
    try {
      expect(() => new Database({ url: testDb.url })).toThrow('EDOC_DB_SCOPE_CHECKS must be true or false, got "sometimes"');
    } finally {
      process.env.EDOC_DB_SCOPE_CHECKS = '1';
    }
  });

  it('runs work under a lock one session at a time, and that work may run transactions of its own', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = db.ifLockFree(['edoc.test.lock', 'one'], async () => {
      await held;
      return db.transaction(async (tx) => (await tx.query('INSERT INTO items VALUES ($1) RETURNING name', ['under-lock'])).rows[0]!.name as string);
    });
    await waitFor('the first to hold the lock', async () => (await db.query(ADVISORY_LOCKS_HERE)).rowCount === 1);
    // Held: a second caller does not wait and does not run; another document's lock is free.
    await expect(db.ifLockFree(['edoc.test.lock', 'one'], () => Promise.resolve('ran'))).resolves.toBeUndefined();
    await expect(db.ifLockFree(['edoc.test.lock', 'two'], () => Promise.resolve('ran'))).resolves.toBe('ran');
    release();
    await expect(first).resolves.toBe('under-lock');
    // Released after the work, and after a failure too.
    await expect(db.ifLockFree(['edoc.test.lock', 'one'], () => Promise.reject(new Error('failed under the lock')))).rejects.toThrow('failed under the lock');
    await expect(db.ifLockFree(['edoc.test.lock', 'one'], () => Promise.resolve('ran'))).resolves.toBe('ran');
    expect((await db.query(ADVISORY_LOCKS_HERE)).rowCount).toBe(0);
    await db.query('DELETE FROM items');
  });

  it('lets the transaction itself, and work begun outside any transaction, use the pool as before', async () => {
    const names = await Promise.all(['a', 'b', 'c', 'd'].map((name) => db.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES ($1)', [name]);
      return (await tx.query<{ name: string }>('SELECT name FROM items WHERE name = $1', [name])).rows[0]!.name;
    })));
    expect(names).toEqual(['a', 'b', 'c', 'd']);
    expect((await db.query('SELECT count(*)::int AS n FROM items')).rows[0]).toEqual({ n: 4 });
  });
});

describe('waitForDatabase', () => {
  it('resolves once the server answers', async () => {
    const testDb = await createTestDatabase();
    try {
      await expect(waitForDatabase(testDb.url, { timeoutMs: 5_000 })).resolves.toBeUndefined();
    } finally {
      await testDb.drop();
    }
  });

  it('retries with backoff, then fails naming the server but not the password', async () => {
    const retries: number[] = [];
    const started = Date.now();
    let message = '';
    try {
      await waitForDatabase('postgres://edoc:s3cret-pw@127.0.0.1:1/edoc', {
        timeoutMs: 800,
        onRetry: ({ attempt }) => retries.push(attempt),
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/database postgres:\/\/edoc:\*\*\*@127\.0\.0\.1:1\/edoc not reachable after 800 ms/);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain('s3cret-pw');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries).toEqual(retries.map((_, index) => index + 1));
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('createTestDatabase', () => {
  it('creates a database that drop() removes even with a connection still open', async () => {
    const testDb = await createTestDatabase();
    const client = new Client({ connectionString: testDb.url });
    client.on('error', () => undefined);
    await client.connect();
    await testDb.drop();
    const admin = new Database({ url: testDb.url.replace(testDb.name, 'postgres') });
    try {
      const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [testDb.name]);
      expect(rows).toHaveLength(0);
    } finally {
      await admin.close();
      await client.end().catch(() => undefined);
    }
  });
});
