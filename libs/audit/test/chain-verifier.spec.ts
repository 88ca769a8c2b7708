import { chainEntry, ChainVerifier, canonicalJson, type ChainReport, type ChainRow, sha256Hex, type StoredCheckpoint, type StoredEntry } from '@edoc/audit';
import { buildChain, checkpointsFor, type TestEvent } from './support/chain-builder';
import { testPki } from './support/test-pki';

const DOC_A = '6f1c7a52-0000-4000-8000-00000000000a';
const DOC_B = '6f1c7a52-0000-4000-8000-00000000000b';
const EVENTS: TestEvent[] = [
  { type: 'document.submitted', documentId: DOC_A },
  { type: 'document.person_signed', documentId: DOC_A },
  { type: 'document.submitted', documentId: DOC_B },
  { type: 'document.numbered', documentId: DOC_A },
  { type: 'document.issued', documentId: DOC_A },
  { type: 'document.archived', documentId: DOC_A, payload: { objects: [{ name: 'x/document.pdf', sha256: 'a'.repeat(64), size: 10, role: 'document' }] } },
  { type: 'register.recorded', orgCodes: ['000.31.13.H26'] },
  { type: 'delivery.created', documentId: DOC_A },
  { type: 'delivery.status_changed', documentId: DOC_A },
  { type: 'document.failed', documentId: DOC_B },
];

function verify(entries: ChainRow[], checkpoints: StoredCheckpoint[], wormCopies?: StoredCheckpoint[]): ChainReport {
  const verifier = new ChainVerifier(checkpoints, testPki().trust, { wormCopies });
  for (const entry of entries) verifier.add(entry);
  return verifier.finish();
}

/** The row with a new body, as an attacker with SQL access could write it (optionally fixing the hash). */
function edited(entry: StoredEntry, change: (body: Record<string, unknown>) => void, rehash: boolean): StoredEntry {
  const body = JSON.parse(entry.body) as Record<string, unknown>;
  change(body);
  const text = canonicalJson(body);
  return { seq: entry.seq, body: text, hash: rehash ? sha256Hex(text) : entry.hash };
}

describe('ChainVerifier', () => {
  let entries: StoredEntry[];
  let checkpoints: StoredCheckpoint[];

  beforeAll(async () => {
    entries = buildChain(EVENTS);
    checkpoints = await checkpointsFor(entries, 4);
  });

  it('accepts an intact chain and reports what it covers', () => {
    const report = verify(entries, checkpoints);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 10, documents: 2, checkpoints: 3, uncheckpointed: 0, head: { seq: 10, hash: entries[9].hash } });
    expect(report.lastCheckpoint?.timestampedAt).toBeDefined();
    expect(report.archivedObjects).toEqual([{ documentId: DOC_A, name: 'x/document.pdf', sha256: 'a'.repeat(64), size: 10, role: 'document', entrySeq: 6 }]);
  });

  it('counts the entries after the last checkpoint as not yet signed', async () => {
    const report = verify(entries, checkpoints.slice(0, 2));
    expect(report).toMatchObject({ ok: true, uncheckpointed: 2, lastCheckpoint: { number: 2, lastSeq: 8 } });
  });

  it('locates an edited row whose hash was left alone', () => {
    const rows = [...entries];
    rows[4] = edited(entries[4], (body) => (body.summary = 'nothing happened'), false);
    const report = verify(rows, checkpoints);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ item: 'entry 5', seq: 5 });
    expect(report.firstBreak?.detail).toContain('does not match its stored hash');
  });

  it('locates an edited row whose hash was recomputed, by the signed checkpoint', () => {
    const rows = [...entries];
    rows[4] = edited(entries[4], (body) => (body.orgCodes = ['000.99.13.H26']), true);
    const report = verify(rows, checkpoints);
    expect(report.firstBreak).toMatchObject({ item: 'entry 5', seq: 5 });
    expect(report.firstBreak?.detail).toContain('differs from the hash signed in checkpoint 2');
  });

  it('locates an edited row after the last checkpoint by the broken link', () => {
    const rows = [...entries];
    rows[8] = edited(entries[8], (body) => (body.summary = 'rewritten'), true);
    const report = verify(rows, checkpoints.slice(0, 2));
    expect(report.firstBreak).toMatchObject({ item: 'entry 10', seq: 10 });
    expect(report.firstBreak?.detail).toContain('does not link to entry 9');
  });

  it('locates a deleted row', () => {
    const rows = entries.filter((entry) => entry.seq !== 7);
    const report = verify(rows, checkpoints);
    expect(report.firstBreak).toMatchObject({ item: 'entry 7', seq: 7 });
    expect(report.firstBreak?.detail).toContain('missing (deleted)');
  });

  it('locates rows deleted from the end when a checkpoint signed them', () => {
    const report = verify(entries.slice(0, 8), checkpoints);
    expect(report.firstBreak).toMatchObject({ item: 'entry 9', seq: 9 });
    expect(report.firstBreak?.detail).toContain('signed in checkpoint 3');
  });

  it('locates reordered rows', () => {
    const rows = [...entries];
    rows[2] = { ...entries[3], seq: 3 };
    rows[3] = { ...entries[2], seq: 4 };
    const report = verify(rows, checkpoints);
    expect(report.firstBreak).toMatchObject({ item: 'entry 3', seq: 3 });
    expect(report.firstBreak?.detail).toContain('holds entry 4: rows were reordered');
  });

  it('finds a column changed beside an intact body (it would hide an entry from a unit export)', () => {
    const rows: ChainRow[] = entries.map((entry) => ({ ...entry, columns: { orgCodes: JSON.parse(entry.body).orgCodes as string[] } }));
    rows[6] = { ...rows[6], columns: { orgCodes: ['000.32.13.H26'] } };
    const report = verify(rows, checkpoints);
    expect(report.problems).toHaveLength(1);
    expect(report.firstBreak).toMatchObject({ item: 'entry 7' });
    expect(report.firstBreak?.detail).toContain('column org_codes');
  });

  it("finds a break in a document's own chain", () => {
    // A forged entry for document A that skips the document chain's link but keeps the system chain whole.
    const forged = buildChain(EVENTS.slice(0, 9));
    const last = JSON.parse(forged[8].body) as { seq: number; prevHash: string };
    const entry = chainEntry(
      { type: 'document.recalled', messageId: 'm', documentId: DOC_A, orgCodes: [], occurredAt: '2026-01-05T08:00:00.000Z', recordedAt: '2026-01-05T08:00:00.000Z', summary: '', payload: null },
      { head: { seq: last.seq, hash: forged[8].hash }, docHead: { docSeq: 1, hash: forged[0].hash } },
    );
    const report = verify([...forged, { seq: entry.seq, hash: entry.hash, body: entry.body }], []);
    expect(report.firstBreak).toMatchObject({ item: 'entry 10' });
    expect(report.firstBreak?.detail).toContain(`entry 2 of document ${DOC_A}`);
  });

  it('names a checkpoint signed by an unknown key', async () => {
    const forged = await checkpointsFor(entries, 4, testPki().stranger);
    const report = verify(entries, [checkpoints[0], forged[1], checkpoints[2]]);
    expect(report.firstBreak).toMatchObject({ kind: 'checkpoint', item: 'checkpoint 2' });
    expect(report.firstBreak?.detail).toContain('not a trusted archive certificate (unknown key)');
  });

  it('finds a deleted or edited checkpoint row from its write-once copy', () => {
    const deleted = verify(entries, [checkpoints[0], checkpoints[1]], checkpoints);
    expect(deleted.firstBreak).toMatchObject({ item: 'checkpoint 3' });
    expect(deleted.firstBreak?.detail).toContain('missing from the database');
    const replaced = verify(entries, [checkpoints[0], checkpoints[2], checkpoints[2]].map((c, i) => ({ ...c, number: i + 1 })), checkpoints);
    expect(replaced.problems.map((p) => p.item)).toContain('checkpoint 2');
  });

  it('finds a missing checkpoint in the series', () => {
    const report = verify(entries, [checkpoints[0], checkpoints[2]]);
    expect(report.firstBreak).toMatchObject({ item: 'checkpoint 2' });
    expect(report.firstBreak?.detail).toContain('missing (deleted)');
  });
});
