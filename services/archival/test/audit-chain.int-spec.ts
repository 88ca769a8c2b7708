import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHIVED_ENTRY_TYPE, ChainVerifier, trustFromPem, type AuditTrust } from '@edoc/audit';
import { create, DeliveryStatusChangedSchema, StatusCode, timestampFromDate } from '@edoc/contracts';
import { Database, runMigrations } from '@edoc/db';
import { Inbox, messagingMigrationsDir } from '@edoc/messaging';
import type { ServiceReadiness } from '@edoc/runtime';
import { FilesystemArchiveStore } from '@edoc/storage';
import { createTestDatabase, waitFor, type TestDatabase } from '@edoc/testing';
import type { ArchivalSettings } from '../src/config/archival-settings';
import { AuditEntriesRepository } from '../src/repositories/audit-entries.repository';
import { CheckpointsRepository } from '../src/repositories/checkpoints.repository';
import { RecordsRepository } from '../src/repositories/records.repository';
import { ArchiveKeysService } from '../src/services/archive-keys.service';
import { AuditTrailService } from '../src/services/audit-trail.service';
import { CheckpointService } from '../src/services/checkpoint.service';
import { AuditViewService } from '../src/services/audit-view.service';
import { writeTestPki } from './support/pki-dir';

const DOCUMENTS = ['7d7b0c1e-0000-4000-8000-000000000001', '7d7b0c1e-0000-4000-8000-000000000002', '7d7b0c1e-0000-4000-8000-000000000003'];

/** One archival instance: its own pool, services wired as the module wires them. */
function instance(url: string, dir: string, settings: ArchivalSettings) {
  const db = new Database({ url, max: 4 });
  const entries = new AuditEntriesRepository(db);
  const checkpointRows = new CheckpointsRepository(db);
  const archive = new FilesystemArchiveStore(join(dir, 'archive'));
  const readiness = { isReady: () => true } as unknown as ServiceReadiness;
  const checkpoints = new CheckpointService(db, entries, checkpointRows, new ArchiveKeysService(settings), readiness, settings, archive);
  const trail = new AuditTrailService(db, new Inbox('archival'), entries, checkpoints);
  return { db, trail, checkpoints, view: new AuditViewService(entries, checkpointRows, archive) };
}

function statusEvent(documentId: string, sequence: number) {
  return create(DeliveryStatusChangedSchema, {
    deliveryId: `${documentId}:000.31.13.H26`,
    documentId,
    senderCode: '000.00.13.H26',
    recipientCode: '000.31.13.H26',
    status: StatusCode.ACCEPTED,
    reportedStatus: StatusCode.ACCEPTED,
    reportedBy: '000.31.13.H26',
    sequence: BigInt(sequence),
    occurredAt: timestampFromDate(new Date()),
  });
}

describe('audit chain on PostgreSQL with two archival instances', () => {
  let database: TestDatabase;
  let dir: string;
  let trust: AuditTrust;
  let a: ReturnType<typeof instance>;
  let b: ReturnType<typeof instance>;

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'edoc_archival' });
    dir = mkdtempSync(join(tmpdir(), 'edoc-archival-int-'));
    const pem = writeTestPki(join(dir, 'pki'), join(dir, 'secrets', 'archival'));
    trust = trustFromPem([pem.rootPem], [pem.archivePem]);
    const settings: ArchivalSettings = { defaultRetentionYears: 10, retentionByType: new Map(), checkpointEntries: 7, checkpointIntervalMs: 600_000, renewBeforeDays: 180, renewalIntervalMs: 3_600_000, pkiDir: join(dir, 'pki'), trustedRoots: [], secretsDir: join(dir, 'secrets', 'archival') };
    a = instance(database.url, dir, settings);
    b = instance(database.url, dir, settings);
    await runMigrations(a.db, { schema: 'archival', directories: [messagingMigrationsDir, join(__dirname, '..', 'migrations')] });
  });

  afterAll(async () => {
    await a?.db.close();
    await b?.db.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function verifyAll() {
    const { checkpoints, writeOnceCopies } = await a.view.checkpointsWithCopies();
    const decode = (c: { number: number; body: string; signature: string }) => ({ number: c.number, body: c.body, signature: Buffer.from(c.signature, 'base64') });
    const verifier = new ChainVerifier(checkpoints.map(decode), trust, { wormCopies: writeOnceCopies.map(decode) });
    for (const row of (await a.view.entryPage('0', '5000')).entries) verifier.add({ ...row, columns: { documentId: row.documentId, type: row.type, orgCodes: row.orgCodes, prevHash: row.prevHash } });
    return verifier.finish();
  }

  it('appends concurrent events from both instances into one gap-free chain, each message once', async () => {
    const deliveries = Array.from({ length: 45 }, (_, i) => ({ messageId: `status-${i}`, event: statusEvent(DOCUMENTS[i % 3], i) }));
    // Every message is delivered twice, to both instances at once: the inbox keeps one effect.
    await Promise.all(deliveries.flatMap(({ messageId, event }) => [a.trail.recordEvent(DeliveryStatusChangedSchema, event, messageId), b.trail.recordEvent(DeliveryStatusChangedSchema, event, messageId)]));
    await a.checkpoints.seal();

    const report = await verifyAll();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 45, documents: 3, uncheckpointed: 0 });
    const { rows } = await a.db.query<{ n: string; ids: string }>(`SELECT count(*) AS n, count(DISTINCT message_id) AS ids FROM archival.audit_entries`);
    expect(rows[0]).toEqual({ n: '45', ids: '45' });
    const perDocument = await a.db.query<{ document_id: string; max: number; n: string }>(`SELECT document_id, max(doc_seq) AS max, count(*) AS n FROM archival.audit_entries GROUP BY document_id ORDER BY document_id`);
    expect(perDocument.rows.map((r) => [r.max, Number(r.n)])).toEqual([[15, 15], [15, 15], [15, 15]]);
  });

  it('signs checkpoints of at most N entries, one series however many instances try, each also kept write-once', async () => {
    const { checkpoints, writeOnceCopies } = await a.view.checkpointsWithCopies();
    const ranges = checkpoints.map((c) => JSON.parse(c.body) as { firstSeq: number; lastSeq: number });
    expect(ranges.every((r) => r.lastSeq - r.firstSeq + 1 <= 7)).toBe(true);
    expect(ranges[0].firstSeq).toBe(1);
    expect(ranges[ranges.length - 1].lastSeq).toBe(45);
    expect(writeOnceCopies.map((c) => c.number)).toEqual(checkpoints.map((c) => c.number));
  });

  it('refuses to change or delete an entry through SQL unless the guard is removed on purpose', async () => {
    await expect(a.db.query(`UPDATE archival.audit_entries SET event_type = 'x' WHERE seq = 1`)).rejects.toThrow('append-only: UPDATE refused');
    await expect(a.db.query(`DELETE FROM archival.audit_entries WHERE seq = 1`)).rejects.toThrow('append-only: DELETE refused');
  });

  it('makes a checkpoint only when N entries wait, or the oldest has waited M minutes', async () => {
    await b.trail.recordEvent(DeliveryStatusChangedSchema, statusEvent(DOCUMENTS[0], 100), 'late-1');
    await b.checkpoints.onApplicationShutdown(); // waits for the check the append started in the background
    expect(await a.checkpoints.makeOne(false)).toBe(false);
    expect(await a.checkpoints.makeOne(false, new Date(Date.now() + 11 * 60_000))).toBe(true);
    expect((await verifyAll()).uncheckpointed).toBe(0);
  });

  it('appends events handled at the same time in a few transactions, each redelivery at most once, the chains intact', async () => {
    const before = (await a.view.entryPage('0', '5000')).entries.length;
    const events = Array.from({ length: 30 }, (_, i) => ({ messageId: `batched-${i}`, event: statusEvent(DOCUMENTS[i % 3], 100 + i) }));
    const appendMany = jest.spyOn(a.trail['entries'], 'appendMany');
    try {
      // Each message twice to the same instance at once: both copies can land in one batch.
      await Promise.all(events.flatMap(({ messageId, event }) => [a.trail.recordEvent(DeliveryStatusChangedSchema, event, messageId), a.trail.recordEvent(DeliveryStatusChangedSchema, event, messageId)]));
      expect(appendMany.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      appendMany.mockRestore();
    }
    await a.checkpoints.seal();
    const report = await verifyAll();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: before + 30, documents: 3 });
    const { rows } = await a.db.query<{ n: string }>(`SELECT count(*) AS n FROM archival.audit_entries WHERE message_id LIKE 'batched-%'`);
    expect(rows[0].n).toBe('30');
  });
  it("commits a document's record and its archived entry with the events handled at the same time, the entry once whoever inserts the record", async () => {
    const documentId = DOCUMENTS[2];
    const records = new RecordsRepository(a.db);
    const record = { documentId, issuerCode: '000.00.13.H26', edxmlDocumentId: `000.00.13.H26,2026/12/05,7/UBND-VP`, retentionClass: '10y', retainUntil: null, objects: [{ name: `000.00.13.H26/2026/${documentId}/document.pdf`, sha256: 'ab'.repeat(32), size: 20, role: 'document' as const, mediaType: 'application/pdf' }], lockMode: 'none', issuedAt: new Date(), issuedDate: '2026-12-05', verificationValid: true, timestampHorizon: null };
    const archivedEntry = (messageId: string) => ({ type: ARCHIVED_ENTRY_TYPE, messageId, documentId, orgCodes: ['000.00.13.H26'], occurredAt: new Date().toISOString(), recordedAt: new Date().toISOString(), summary: 'archived', payload: { documentId, objects: record.objects } });
    const transactions = async () => (await a.db.query<{ tx: string }>(`SELECT DISTINCT xmin::text AS tx FROM archival.audit_entries WHERE message_id LIKE 'together-%'`)).rows.length;
    const appendMany = jest.spyOn(a.trail['entries'], 'appendMany');
    try {
      const events = Array.from({ length: 6 }, (_, i) => a.trail.recordEvent(DeliveryStatusChangedSchema, statusEvent(documentId, 200 + i), `together-${i}`));
      // The same document's issue handled twice at once (a redelivery, or a second instance): one record, one entry.
      const archived = [a.trail.recordIf(archivedEntry('together-issued:archived'), (tx) => records.insert(tx, record)), a.trail.recordIf(archivedEntry('together-again:archived'), (tx) => records.insert(tx, record))];
      const [first, second] = await Promise.all([...archived, ...events]);
      expect([first, second].sort()).toEqual([false, true]);
      expect(appendMany.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      appendMany.mockRestore();
    }
    const { rows } = await a.db.query<{ message_id: string }>(`SELECT message_id FROM archival.audit_entries WHERE event_type = $1 AND document_id = $2`, [ARCHIVED_ENTRY_TYPE, documentId]);
    expect(rows).toHaveLength(1);
    expect(await transactions()).toBeLessThanOrEqual(2);
    expect((await a.db.query(`SELECT 1 FROM archival.records WHERE document_id = $1`, [documentId])).rows).toHaveLength(1);

    // A record that cannot be written fails alone: the events beside it are appended, no entry for it.
    const broken = a.trail.recordIf(archivedEntry('broken:archived'), (tx) => records.insert(tx, { ...record, documentId: DOCUMENTS[1], issuedDate: '2026-13-45' }));
    const beside = a.trail.recordEvent(DeliveryStatusChangedSchema, statusEvent(documentId, 300), 'together-beside');
    await expect(broken).rejects.toThrow(/date/);
    await beside;
    expect((await a.db.query(`SELECT 1 FROM archival.audit_entries WHERE message_id IN ('together-beside', 'broken:archived')`)).rows).toHaveLength(1);
    expect((await a.db.query(`SELECT 1 FROM archival.records WHERE document_id = $1`, [DOCUMENTS[1]])).rows).toHaveLength(0);
    await a.checkpoints.seal();
    expect(await verifyAll()).toMatchObject({ ok: true, problems: [] });
  });

  it('asks the database whether a checkpoint is due by count only once N entries may wait', async () => {
    await a.checkpoints.seal();
    const made = async () => (await a.view.checkpointsWithCopies()).checkpoints.length;
    const before = await made();
    const uncovered = jest.spyOn(a.checkpoints['entries'], 'uncovered');
    try {
      for (let i = 0; i < 6; i++) await a.trail.recordEvent(DeliveryStatusChangedSchema, statusEvent(DOCUMENTS[1], 300 + i), `counted-${i}`);
      expect(uncovered).not.toHaveBeenCalled();
      await a.trail.recordEvent(DeliveryStatusChangedSchema, statusEvent(DOCUMENTS[1], 306), 'counted-6');
      await waitFor('the seventh entry to bring a checkpoint', async () => (await made()) === before + 1);
      expect(uncovered).toHaveBeenCalled();
    } finally {
      uncovered.mockRestore();
    }
    expect((await verifyAll()).uncheckpointed).toBe(0);
  });
});
