import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProcessMemory, writeLargePdf, type LargePdf } from '@edoc/testing';
import { SERVICE_NAMES, TestExchange, type ServiceName } from '../support/test-exchange';

const MB = 1024 * 1024;
const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26'; // built-in inbox
const FILE_MB = 120;
/** Well under the file: a service that held the file, let alone two copies of it, cannot stay below. */
const FLAT_GROWTH_BOUND_MB = 100;
const RSS_BOUND_MB = 300;

interface DocumentView {
  state: string;
  file: { sha256: string; size: number } | null;
  failure: { stage: string; reason: string } | null;
  deliveries: { recipientCode: string; status: string | null }[];
}

interface ArchiveRecords {
  records: { documentId: string; verificationValid: boolean | null; objects: { name: string; role: string; sha256: string; size: number }[] }[];
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Downloads without holding the body: its SHA-256 and size, and the SHA-256 of its first `prefixBytes`. */
async function digestOfDownload(url: string, token: string, prefixBytes: number): Promise<{ sha256: string; size: number; prefixSha256: string }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok || response.body === null) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  const whole = createHash('sha256');
  const prefix = createHash('sha256');
  let size = 0;
  for await (const chunk of response.body) {
    whole.update(chunk);
    if (size < prefixBytes) prefix.update(chunk.subarray(0, prefixBytes - size));
    size += chunk.length;
  }
  return { sha256: whole.digest('hex'), size, prefixSha256: prefix.digest('hex') };
}

const peakMb = (exchange: TestExchange, name: ServiceName): number => {
  const memory = readProcessMemory(exchange.processes.get(name)!.child.pid!);
  if (memory === undefined) throw new Error(`the ${name} service is gone`);
  return memory.peakRssBytes / MB;
};

describe('a 120 MB PDF crosses the exchange in bounded memory', () => {
  let exchange: TestExchange;
  let dir: string;
  let pdf: LargePdf;
  const idleMb = new Map<ServiceName, number>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edoc-large-file-'));
    [exchange, pdf] = await Promise.all([TestExchange.start(), writeLargePdf(join(dir, 'large.pdf'), FILE_MB * MB, 'Cong van dung luong lon')]);
    for (const name of ['signing', 'archival'] as const) idleMb.set(name, peakMb(exchange, name));
  });

  afterAll(async () => {
    await exchange?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('is issued, delivered and archived byte for byte, with signing and archival flat', async () => {
    const clerk = exchange.token('hbt.clerk');
    const form = new FormData();
    form.append('metadata', JSON.stringify({ type: 'CV', subject: 'Về việc gửi hồ sơ dung lượng lớn', recipients: [BACH_DANG], signer: 'hbt.signer' }));
    // A file-backed Blob: the test streams the upload rather than holding it.
    form.append('file', await openAsBlob(pdf.path, { type: 'application/pdf' }), 'ho-so-lon.pdf');
    const submitted = await fetch(exchange.url('intake', '/documents'), { method: 'POST', headers: { authorization: `Bearer ${clerk}` }, body: form });
    expect(submitted.status).toBe(202);
    const { documentId } = (await submitted.json()) as { documentId: string };

    const issued = await exchange.waitFor(
      'the large document to be issued and to arrive in Bạch Đằng',
      async () => {
        const view = await getJson<DocumentView>(exchange.url('intake', `/documents/${documentId}`), clerk);
        if (view.failure !== null) throw new Error(`the document failed at ${view.failure.stage}: ${view.failure.reason}`);
        return view.state === 'issued' && view.deliveries.some((d) => d.recipientCode === BACH_DANG && d.status === '01') ? view : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    // Signatures are incremental updates: the issued file is the uploaded bytes, untouched, plus two updates.
    expect(issued.file!.size).toBeGreaterThan(pdf.size);

    const received = await digestOfDownload(exchange.url('intake', `/files/${issued.file!.sha256}`), exchange.token('bachdang.clerk'), pdf.size);
    expect(received).toEqual({ sha256: issued.file!.sha256, size: issued.file!.size, prefixSha256: pdf.sha256 });

    const admin = exchange.token('admin');
    const record = await exchange.waitFor(
      'the large document to be archived',
      async () => (await getJson<ArchiveRecords>(exchange.url('archival', `/archive/records?org=${DISTRICT}`), admin)).records.find((r) => r.documentId === documentId),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // Its signatures were checked over every byte of the scratch copy, read in blocks.
    expect(record.verificationValid).toBe(true);
    const archivedPdf = record.objects.find((o) => o.role === 'document')!;
    expect(archivedPdf).toMatchObject({ sha256: issued.file!.sha256, size: issued.file!.size });
    const archived = await digestOfDownload(exchange.url('archival', `/archive/objects?name=${encodeURIComponent(archivedPdf.name)}`), admin, 0);
    expect(archived).toMatchObject({ sha256: issued.file!.sha256, size: issued.file!.size });

    const peaks = Object.fromEntries(SERVICE_NAMES.map((name) => [name, Math.round(peakMb(exchange, name))]));
    console.log(`peak RSS (MB) after a ${(pdf.size / MB).toFixed(0)} MB PDF went through: ${JSON.stringify(peaks)}; idle before: signing ${idleMb.get('signing')!.toFixed(0)}, archival ${idleMb.get('archival')!.toFixed(0)}`);
    // Signing and archival work file to file (archival verifies and counts pages from its scratch
    // copy): neither may grow by anything like the file.
    for (const name of ['signing', 'archival'] as const) {
      expect(peakMb(exchange, name) - idleMb.get(name)!).toBeLessThan(FLAT_GROWTH_BOUND_MB);
      expect(peakMb(exchange, name)).toBeLessThan(RSS_BOUND_MB);
    }
  });
});
