import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import type { ServiceReadiness } from '@edoc/runtime';
import { FilesystemObjectStore } from '@edoc/storage';
import { createMigratedTestDatabase, type MigratedTestDatabase } from '@edoc/testing';
import { StagedObjectsRepository } from '../src/repositories/staged-objects.repository';
import { OrphanSweeperService } from '../src/services/orphan-sweeper.service';

describe('the orphan sweeper (real PostgreSQL, filesystem storage)', () => {
  let testDb: MigratedTestDatabase;
  let db: Database;
  let dir: string;
  let store: FilesystemObjectStore;
  let staged: StagedObjectsRepository;

  const sweeper = (graceSeconds: number) => {
    process.env.EDOC_ORPHAN_GRACE_SECONDS = String(graceSeconds);
    try {
      return new OrphanSweeperService(staged, store, { ...loadConfig(), uploadDir: join(dir, 'uploads') }, { isReady: () => true } as unknown as ServiceReadiness);
    } finally {
      delete process.env.EDOC_ORPHAN_GRACE_SECONDS;
    }
  };
  const put = async (text: string) => (await store.put(Buffer.from(`%PDF-1.7 ${text} %%EOF`))).key;
  const referenceFromDocument = (key: string) =>
    db.query(
      `INSERT INTO intake.documents (document_id, issuer_code, type_code, subject, state, metadata, main_file, submitted_by, submitted_at)
       VALUES (gen_random_uuid(), '000.00.13.H26', 'CV', 's', 'awaiting_signature', '{}', jsonb_build_object('objectKey', $1::text), 'hbt.clerk', now())`,
      [key],
    );

  beforeAll(async () => {
    testDb = await createMigratedTestDatabase({ schema: 'intake', migrations: join(__dirname, '..', 'migrations'), applicationName: 'orphan-sweeper-test' });
    db = testDb.db;
    dir = mkdtempSync(join(tmpdir(), 'edoc-sweeper-'));
    store = new FilesystemObjectStore(join(dir, 'files'));
    staged = new StagedObjectsRepository(db);
  });

  afterAll(async () => {
    await testDb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes what a failed submission stored, keeps what a document references, spares what a submission is storing now', async () => {
    const orphan = await put('failed after storing');
    const kept = await put('another document has the same bytes');
    const inFlight = await put('being submitted right now');
    await staged.note([orphan, kept]);
    await referenceFromDocument(kept);

    // A long grace period: nothing is old enough yet.
    expect(await sweeper(3600).sweep()).toEqual({ deleted: 0, kept: 0 });
    expect(await store.exists(orphan)).toBe(true);

    expect(await sweeper(0).sweep()).toEqual({ deleted: 1, kept: 1 });
    expect([await store.exists(orphan), await store.exists(kept)]).toEqual([false, true]);
    expect((await db.query('SELECT count(*)::int AS n FROM intake.staged_objects')).rows[0].n).toBe(0);

    // A note newer than the grace period protects its key, even where an older note names it too.
    await staged.note([inFlight]);
    await db.query(`UPDATE intake.staged_objects SET staged_at = now() - interval '2 hours'`);
    await staged.note([inFlight]);
    expect(await sweeper(3600).sweep()).toEqual({ deleted: 0, kept: 0 });
    expect(await store.exists(inFlight)).toBe(true);
  });

  it('drops the notes of a recorded submission in its own transaction', async () => {
    await db.query('DELETE FROM intake.staged_objects');
    const key = await put('recorded');
    const notes = await staged.note([key]);
    await db.transaction(async (tx) => {
      await staged.clear(tx, notes);
    });
    expect(await sweeper(0).sweep()).toEqual({ deleted: 0, kept: 0 });
    expect(await store.exists(key)).toBe(true);
  });
});
