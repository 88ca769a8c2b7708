import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHIVED_ENTRY_TYPE, type NewEntry } from '@edoc/audit';
import { create, DocumentIssuedSchema, timestampFromDate } from '@edoc/contracts';
import type { Database } from '@edoc/db';
import type { Directory } from '@edoc/directory';
import { FilesystemArchiveStore, sha256Hex, type ObjectStore } from '@edoc/storage';
import type { ArchivalSettings } from '../src/config/archival-settings';
import type { ArchiveRecord, RecordsRepository } from '../src/repositories/records.repository';
import type { ArchiveKeysService } from '../src/services/archive-keys.service';
import { ArchiveService } from '../src/services/archive.service';
import type { AuditTrailService } from '../src/services/audit-trail.service';
import type { CheckpointService } from '../src/services/checkpoint.service';

const PDF = Buffer.from('%PDF-1.7 issued');
const ATTACHMENT = Buffer.from('%PDF-1.7 attachment');
const key = (bytes: Buffer) => `sha256/${sha256Hex(bytes)}`;

function issued() {
  return create(DocumentIssuedSchema, {
    metadata: { documentId: '3f0e2c9a-0000-4000-8000-000000000001', issuerCode: '000.00.13.H26', typeCode: 'CV', subject: 'Về việc', number: 1, notation: 'UBND-VP', issuedDate: '2026-02-10', edxmlDocumentId: '000.00.13.H26,2026/02/10,01/UBND-VP' },
    file: { objectKey: key(PDF), sha256: sha256Hex(PDF), size: BigInt(PDF.length) },
    attachments: [{ objectKey: key(ATTACHMENT), sha256: sha256Hex(ATTACHMENT), size: BigInt(ATTACHMENT.length) }],
    issuedAt: timestampFromDate(new Date('2026-02-10T03:00:00Z')),
  });
}

/** The service with in-memory fakes around a real write-once store on a temp folder. */
function setup(dir: string) {
  const records = new Map<string, Omit<ArchiveRecord, 'archivedAt' | 'disposalListedAt'>>();
  const appended: NewEntry[] = [];
  const recorded: string[] = [];
  const files = new Map([[key(PDF), PDF], [key(ATTACHMENT), ATTACHMENT]]);
  const service = new ArchiveService(
    { transaction: (fn: (tx: unknown) => Promise<unknown>) => fn({}) } as unknown as Database,
    {
      exists: async (id: string) => records.has(id),
      insert: async (_tx: unknown, record: Omit<ArchiveRecord, 'archivedAt' | 'disposalListedAt'>) => !records.has(record.documentId) && records.set(record.documentId, record) !== undefined,
    } as unknown as RecordsRepository,
    { recordEvent: async (_s: unknown, _m: unknown, messageId: string) => void recorded.push(messageId), append: async (_tx: unknown, entry: NewEntry) => void appended.push(entry) } as unknown as AuditTrailService,
    { nudge: () => undefined } as unknown as CheckpointService,
    { trust: () => { throw new Error('no trust anchors in this test'); } } as unknown as ArchiveKeysService,
    { has: () => false } as unknown as Directory,
    { defaultRetentionYears: 10, retentionByType: new Map(), checkpointEntries: 100, checkpointIntervalMs: 600_000, pkiDir: dir } as ArchivalSettings,
    { stat: async (k: string) => (files.has(k) ? { size: files.get(k)!.length } : undefined), get: async (k: string) => files.get(k)! } as unknown as ObjectStore,
    new FilesystemArchiveStore(join(dir, 'archive')),
  );
  return { service, records, appended, recorded, files };
}

describe('ArchiveService.onIssued', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'edoc-archive-service-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records the event, stores five objects write-once and appends their hashes in one document.archived entry', async () => {
    const { service, records, appended, recorded } = setup(dir);
    await service.onIssued(issued(), 'message-1');
    expect(recorded).toEqual(['message-1']);
    const record = [...records.values()][0];
    expect(record.objects.map((o) => o.role)).toEqual(['document', 'attachment', 'metadata', 'metadata-xml', 'verification-report']);
    expect(record.objects[0].sha256).toBe(sha256Hex(PDF));
    expect(record).toMatchObject({ retentionClass: '10-years', lockMode: 'read-only-file', issuedDate: '2026-02-10', verificationValid: false });
    expect(appended).toHaveLength(1);
    expect(appended[0]).toMatchObject({ type: ARCHIVED_ENTRY_TYPE, messageId: 'message-1:archived', documentId: record.documentId });
    expect((appended[0].payload as { objects: { sha256: string }[] }).objects.map((o) => o.sha256)).toEqual(record.objects.map((o) => o.sha256));
  });

  it('archives nothing twice when the message comes again', async () => {
    const { service, appended } = setup(dir);
    await service.onIssued(issued(), 'message-1');
    await service.onIssued(issued(), 'message-1');
    expect(appended).toHaveLength(1);
  });

  it('finishes the archiving on a redelivery after a crash left the objects stored but no record', async () => {
    const first = setup(dir);
    await first.service.onIssued(issued(), 'message-1');
    // A new process: the objects are in the archive, the record and archived entry never committed.
    const second = setup(dir);
    await second.service.onIssued(issued(), 'message-1');
    expect([...second.records.values()][0].objects.map((o) => o.sha256)).toEqual([...first.records.values()][0].objects.map((o) => o.sha256));
    expect(second.appended).toHaveLength(1);
  });

  it('refuses, for good, a claim check whose bytes do not match its digest', async () => {
    const { service, files } = setup(dir);
    files.set(key(PDF), Buffer.from('%PDF-1.7 swapped'));
    await expect(service.onIssued(issued(), 'message-1')).rejects.toMatchObject({ name: 'PermanentMessageError', message: expect.stringContaining('does not hash to') });
  });
});
