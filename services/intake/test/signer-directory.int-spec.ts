import { join } from 'node:path';
import { create, UserChangedSchema } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Inbox } from '@edoc/messaging';
import { createMigratedTestDatabase, type MigratedTestDatabase } from '@edoc/testing';
import { SignersRepository } from '../src/repositories/signers.repository';
import { SignerDirectory } from '../src/services/signer-directory.service';

const DISTRICT = '000.00.13.H26';

/**
 * Intake consumes user.changed with a prefetch of 16, so a burst of them (provisioning, an import
 * of users) is handled at once, each in its own transaction. Every query of a handler must run on
 * that transaction: one that asks the pool for a second connection waits for a connection that
 * another handler, itself waiting, holds, until the pool's connect timeout fails them all.
 */
describe('SignerDirectory: a burst of user.changed events (real PostgreSQL)', () => {
  let testDb: MigratedTestDatabase;
  let db: Database;
  let directory: SignerDirectory;

  beforeAll(async () => {
    // Fewer connections than events at once, as 10 connections are fewer than a prefetch of 16.
    testDb = await createMigratedTestDatabase({ schema: 'intake', migrations: join(__dirname, '..', 'migrations'), applicationName: 'signer-directory-test', max: 2 });
    db = testDb.db;
    directory = new SignerDirectory(db, new Inbox('intake'), new SignersRepository(db));
  });

  afterAll(async () => {
    await testDb?.close();
  });

  const signer = (n: number) =>
    create(UserChangedSchema, {
      userId: `u-${n}`,
      username: `signer.${n}`,
      displayName: `Người ký ${n}`,
      orgCode: DISTRICT,
      roles: ['signer'],
      signer: { competence: 'KT.', authority: 'CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH' },
      version: 1n,
      change: 'imported',
      changedBy: 'provisioning',
    });

  it('applies more events at once than the pool has connections, every one on its own transaction', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, n) => directory.onUserChanged(signer(n), `m-${n}`)));

    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM intake.signers WHERE active');
    expect(rows[0]?.n).toBe(8);
  });
});
