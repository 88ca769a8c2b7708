import { Database, runMigrations } from '@edoc/db';
import { Inbox, InboxTransactions, messagingMigrationsDir, PermanentMessageError } from '@edoc/messaging';
import { createTestDatabase, type TestDatabase } from '@edoc/testing';

describe('InboxTransactions (real PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: Database;
  const inbox = new Inbox('svc');

  /** The effect of a message: a row, and the transaction that wrote it. */
  const effect = (name: string) => async (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => {
    const { rows } = await tx.query<{ xid: string }>('INSERT INTO svc.effects (name, xid) VALUES ($1, txid_current()) RETURNING xid::text', [name]);
    return rows[0]!.xid;
  };
  const effects = async () => (await db.query<{ name: string }>('SELECT name FROM svc.effects ORDER BY name')).rows.map((row) => row.name);
  const claimed = async () => (await db.query<{ key: string }>(`SELECT consumer || ':' || message_id AS key FROM svc.inbox ORDER BY 1`)).rows.map((row) => row.key);

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = new Database({ url: testDb.url, max: 4, logger: { warn: () => undefined } });
    await runMigrations(db, { schema: 'svc', directories: [messagingMigrationsDir] });
    await db.query('CREATE TABLE svc.effects (name text PRIMARY KEY, xid bigint NOT NULL)');
  });

  afterEach(async () => {
    await db.query('DELETE FROM svc.effects');
    await db.query('DELETE FROM svc.inbox');
  });

  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('applies messages handled at the same moment in one transaction, each once, with its claim', async () => {
    const transactions = new InboxTransactions(db, inbox);
    const xids = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name, index) => transactions.once(index % 2 === 0 ? 'svc.even' : 'svc.odd', `m-${name}`, effect(name))));

    expect(await effects()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await claimed()).toEqual(['svc.even:m-a', 'svc.even:m-c', 'svc.even:m-e', 'svc.odd:m-b', 'svc.odd:m-d']);
    // The first waited for company (the linger), and the four that came meanwhile shared its transaction.
    expect(new Set(xids).size).toBe(1);
  });

  it('without a linger, applies the first alone and those that queued behind it together', async () => {
    const transactions = new InboxTransactions(db, inbox, { lingerMs: 0 });
    const xids = await Promise.all(['f', 'g', 'h'].map((name) => transactions.once('svc.even', `m-${name}`, effect(name))));
    expect(new Set(xids).size).toBe(2);
    expect(new Set(xids.slice(1)).size).toBe(1);
  });

  it('changes nothing for a message already applied, nor for the same message twice at once', async () => {
    const transactions = new InboxTransactions(db, inbox);
    await transactions.once('svc.c', 'm-1', effect('first'));

    const again = await Promise.all([transactions.once('svc.c', 'm-1', effect('redelivered')), transactions.once('svc.c', 'm-2', effect('second')), transactions.once('svc.c', 'm-2', effect('second, twice'))]);

    expect(again[0]).toBeUndefined();
    expect(again[1]).toEqual(expect.any(String));
    expect(again[2]).toBeUndefined();
    expect(await effects()).toEqual(['first', 'second']);
    // Another consumer of the same message applies it for itself.
    expect(await transactions.once('svc.other', 'm-1', effect('other consumer'))).toEqual(expect.any(String));
  });

  it('takes a redelivered message whose effect would now fail (its row exists) for one applied before, not for a failure', async () => {
    const transactions = new InboxTransactions(db, inbox);
    await transactions.once('svc.c', 'm-row', effect('row'));
    // Its effect runs before the claims are read and breaks the primary key; the claim says why.
    const outcomes = await Promise.all([transactions.once('svc.c', 'm-lead', effect('lead')), transactions.once('svc.c', 'm-row', effect('row')), transactions.once('svc.c', 'm-next', effect('next'))]);
    expect(outcomes[1]).toBeUndefined();
    expect(await effects()).toEqual(['lead', 'next', 'row']);
  });

  it('fails a bad message alone: the others of its transaction are applied, its claim is not kept', async () => {
    const transactions = new InboxTransactions(db, inbox);
    const outcomes = await Promise.allSettled([
      transactions.once('svc.c', 'm-lead', effect('lead')),
      transactions.once('svc.c', 'm-ok-1', effect('ok 1')),
      transactions.once('svc.c', 'm-bad', async () => {
        throw new PermanentMessageError('the message names no document');
      }),
      transactions.once('svc.c', 'm-ok-2', effect('ok 2')),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(PermanentMessageError);
    expect(await effects()).toEqual(['lead', 'ok 1', 'ok 2']);
    expect(await claimed()).toEqual(['svc.c:m-lead', 'svc.c:m-ok-1', 'svc.c:m-ok-2']);
  });
});
