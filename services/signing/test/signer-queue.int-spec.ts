import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { create, DocumentMetadataSchema, FileRefSchema, Priority } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { createMigratedTestDatabase, type MigratedTestDatabase } from '@edoc/testing';
import { JobsRepository } from '../src/repositories/jobs.repository';

const DISTRICT = '000.00.13.H26';

describe("a signer's queue (real PostgreSQL)", () => {
  let testDb: MigratedTestDatabase;
  let db: Database;
  let jobs: JobsRepository;

  beforeAll(async () => {
    testDb = await createMigratedTestDatabase({ schema: 'signing', migrations: join(__dirname, '..', 'migrations'), applicationName: 'signer-queue-test' });
    db = testDb.db;
    jobs = new JobsRepository(db);
  });

  afterAll(async () => {
    await testDb?.close();
  });

  const request = async (subject: string, priority: Priority, requestedAt: string, signer = 'hbt.signer') => {
    const metadata = create(DocumentMetadataSchema, { documentId: randomUUID(), issuerCode: DISTRICT, subject, priority, signer: { userId: signer } });
    const mainFile = create(FileRefSchema, { objectKey: `sha256/${'ab'.repeat(32)}`, sha256: 'ab'.repeat(32), size: 1n, mediaType: 'application/pdf' });
    await jobs.insert(db, { metadata, mainFile, attachments: [], submittedBy: 'hbt.clerk', requestedAt: new Date(requestedAt), state: 'awaiting_signature' });
  };

  it('lists the most urgent first whenever it was submitted, then the longest waiting', async () => {
    await request('thường, oldest', Priority.NORMAL_UNSPECIFIED, '2026-12-01T08:00:00Z');
    await request('khẩn', Priority.URGENT, '2026-12-01T09:00:00Z');
    await request('thường, newer', Priority.NORMAL_UNSPECIFIED, '2026-12-01T10:00:00Z');
    await request('hỏa tốc, newest', Priority.FLASH, '2026-12-01T12:00:00Z');
    await request('thượng khẩn', Priority.VERY_URGENT, '2026-12-01T11:00:00Z');
    await request('hỏa tốc hẹn giờ', Priority.FLASH_TIMED, '2026-12-01T11:30:00Z');
    await request('hỏa tốc, older', Priority.FLASH, '2026-12-01T07:00:00Z');
    await request('another signer', Priority.FLASH, '2026-12-01T06:00:00Z', 'hbt.deputy');

    const queue = await jobs.forSigner('hbt.signer', ['awaiting_signature'], 10);

    expect(queue.map((job) => job.metadata.subject)).toEqual([
      'hỏa tốc hẹn giờ',
      'hỏa tốc, older',
      'hỏa tốc, newest',
      'thượng khẩn',
      'khẩn',
      'thường, oldest',
      'thường, newer',
    ]);
    expect((await jobs.forSigner('hbt.signer', ['awaiting_signature'], 2)).map((job) => job.metadata.subject)).toEqual(['hỏa tốc hẹn giờ', 'hỏa tốc, older']);
  });
});
