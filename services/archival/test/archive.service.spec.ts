import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { ARCHIVED_ENTRY_TYPE, type NewEntry } from '@edoc/audit';
import { create, DocumentIssuedSchema, timestampFromDate } from '@edoc/contracts';
import type { Directory } from '@edoc/directory';
import { signPdf } from '@edoc/pdf-sign';
import { createIssuingCa, createRootCa, issueOrganisationCertificate, loadSigningIdentity } from '@edoc/pki';
import { FilesystemArchiveStore, FilesystemObjectStore, sha256Hex } from '@edoc/storage';
import { filesUnder } from '@edoc/testing';
import type { ArchivalSettings } from '../src/config/archival-settings';
import { IssuedFilesRepository } from '../src/repositories/issued-files.repository';
import type { ArchiveRecord, RecordsRepository } from '../src/repositories/records.repository';
import type { ArchiveKeysService } from '../src/services/archive-keys.service';
import { ArchiveService } from '../src/services/archive.service';
import type { AuditTrailService } from '../src/services/audit-trail.service';

const PDF = Buffer.from('%PDF-1.7 issued');
const ATTACHMENT = Buffer.from('%PDF-1.7 attachment');
const key = (bytes: Buffer) => `sha256/${sha256Hex(bytes)}`;

function issued(pdf: Buffer = PDF, attachment: Buffer = ATTACHMENT) {
  return create(DocumentIssuedSchema, {
    metadata: { documentId: '3f0e2c9a-0000-4000-8000-000000000001', issuerCode: '000.00.13.H26', typeCode: 'CV', subject: 'Về việc', number: 1, notation: 'UBND-VP', issuedDate: '2026-02-10', edxmlDocumentId: '000.00.13.H26,2026/02/10,01/UBND-VP' },
    file: { objectKey: key(pdf), sha256: sha256Hex(pdf), size: BigInt(pdf.length) },
    attachments: [{ objectKey: key(attachment), sha256: sha256Hex(attachment), size: BigInt(attachment.length) }],
    issuedAt: timestampFromDate(new Date('2026-02-10T03:00:00Z')),
  });
}

/** The service with in-memory fakes around real file stores (the files bucket and the write-once archive) on a temp folder. */
async function setup(dir: string, given: { pdf?: Buffer; attachment?: Buffer; anchorsPem?: string[] } = {}) {
  const records = new Map<string, Omit<ArchiveRecord, 'archivedAt' | 'disposalListedAt'>>();
  const appended: NewEntry[] = [];
  const recorded: string[] = [];
  const files = new FilesystemObjectStore(join(dir, 'files'));
  for (const bytes of [given.pdf ?? PDF, given.attachment ?? ATTACHMENT]) await files.put(bytes);
  const service = new ArchiveService(
    {
      exists: async (id: string) => records.has(id),
      insert: async (_tx: unknown, record: Omit<ArchiveRecord, 'archivedAt' | 'disposalListedAt'>) => !records.has(record.documentId) && records.set(record.documentId, record) !== undefined,
    } as unknown as RecordsRepository,
    {
      recordEvent: async (_s: unknown, _m: unknown, messageId: string) => void recorded.push(messageId),
      recordIf: async (entry: NewEntry, firstTime: (tx: unknown) => Promise<boolean>) => (await firstTime({})) && appended.push(entry) > 0,
    } as unknown as AuditTrailService,
    {
      trust: () => {
        if (given.anchorsPem === undefined) throw new Error('no trust anchors in this test');
        return { anchorsPem: given.anchorsPem, crlsPem: [] };
      },
    } as unknown as ArchiveKeysService,
    { has: () => false } as unknown as Directory,
    { defaultRetentionYears: 10, retentionByType: new Map(), checkpointEntries: 100, checkpointIntervalMs: 600_000, renewBeforeDays: 180, renewalIntervalMs: 3_600_000, pkiDir: dir, trustedRoots: [], secretsDir: join(dir, 'secrets') } as ArchivalSettings,
    new IssuedFilesRepository(files, { dataDir: dir }),
    new FilesystemArchiveStore(join(dir, 'archive')),
  );
  /** Swaps an object's bytes behind the store's back, as a disk fault would. */
  const tamper = (bytes: Buffer, replacement: Buffer) => {
    const path = join(files.root, 'sha256', sha256Hex(bytes).slice(0, 2), sha256Hex(bytes));
    chmodSync(path, 0o644);
    writeFileSync(path, replacement);
  };
  return { service, records, appended, recorded, files, tamper };
}

describe('ArchiveService.onIssued', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'edoc-archive-service-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records the event, stores five objects write-once and appends their hashes in one document.archived entry', async () => {
    const { service, records, appended, recorded } = await setup(dir);
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
    const { service, appended } = await setup(dir);
    await service.onIssued(issued(), 'message-1');
    await service.onIssued(issued(), 'message-1');
    expect(appended).toHaveLength(1);
  });

  it('finishes the archiving on a redelivery after a crash left the objects stored but no record', async () => {
    const first = await setup(dir);
    await first.service.onIssued(issued(), 'message-1');
    // A new process: the objects are in the archive, the record and archived entry never committed.
    const second = await setup(dir);
    await second.service.onIssued(issued(), 'message-1');
    expect([...second.records.values()][0].objects.map((o) => o.sha256)).toEqual([...first.records.values()][0].objects.map((o) => o.sha256));
    expect(second.appended).toHaveLength(1);
  });

  it('refuses, for good, a claim check whose bytes do not match its digest', async () => {
    const { service, tamper } = await setup(dir);
    tamper(PDF, Buffer.from('%PDF-1.7 swapped'));
    await expect(service.onIssued(issued(), 'message-1')).rejects.toMatchObject({ name: 'PermanentMessageError', message: expect.stringContaining('does not hash to') });
    expect(filesUnder(join(dir, 'tmp', 'archival'))).toEqual([]);
  });

  it('refuses, for good, a claim check that names no object', async () => {
    const { service, files } = await setup(dir);
    await files.delete(key(ATTACHMENT));
    await expect(service.onIssued(issued(), 'message-1')).rejects.toMatchObject({ name: 'PermanentMessageError', message: `claim check points at a missing object ${key(ATTACHMENT)}` });
  });

  it('archives the files byte for byte, with their sizes, and leaves no scratch copy behind', async () => {
    const { service, records } = await setup(dir);
    await service.onIssued(issued(), 'message-1');
    const [document, attachment] = [...records.values()][0].objects;
    const archive = new FilesystemArchiveStore(join(dir, 'archive'));
    expect(await archive.get(document.name)).toEqual(PDF);
    expect(await archive.get(attachment.name)).toEqual(ATTACHMENT);
    expect([document.size, attachment.size]).toEqual([PDF.length, ATTACHMENT.length]);
    expect(filesUnder(join(dir, 'tmp', 'archival'))).toEqual([]);
  });

  it('verifies the signatures of the document and its attachment, and counts the pages, from the scratch copies', async () => {
    const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
    const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
    const org = issueOrganisationCertificate(ca, { orgCode: '000.00.13.H26', orgName: 'UBND', keyAlgorithm: 'ec-p256' });
    const identity = loadSigningIdentity({ certificatePem: org.certificatePem, privateKeyPem: org.privateKeyPem, chainPem: [ca.certificatePem] });
    const signed = async (pages: number) => {
      const doc = await PDFDocument.create();
      for (let i = 0; i < pages; i++) doc.addPage();
      return signPdf(Buffer.from(await doc.save()), { identity, appearance: { kind: 'invisible' } });
    };
    const [pdf, attachment] = [await signed(3), await signed(1)];
    const { service, records } = await setup(dir, { pdf, attachment, anchorsPem: [root.certificatePem] });
    await service.onIssued(issued(pdf, attachment), 'message-1');
    const record = [...records.values()][0];
    expect(record.verificationValid).toBe(true);
    const archive = new FilesystemArchiveStore(join(dir, 'archive'));
    const stored = (role: string) => archive.get(record.objects.find((o) => o.role === role)!.name);
    const report = JSON.parse((await stored('verification-report')).toString()) as { files: { name: string; report?: { valid: boolean; fileLength: number } }[] };
    expect(report.files).toMatchObject([
      { name: 'document.pdf', report: { valid: true, fileLength: pdf.length } },
      { name: 'attachment-1.pdf', report: { valid: true, fileLength: attachment.length } },
    ]);
    expect((await stored('metadata-xml')).toString()).toContain('<SoTrang>3</SoTrang>');
    expect(filesUnder(join(dir, 'tmp', 'archival'))).toEqual([]);
  });
});
