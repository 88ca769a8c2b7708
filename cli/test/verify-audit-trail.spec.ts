import type { StoredEntry } from '@edoc/audit';
import type { ApiClient } from '../src/http/api-client';
import { verifyAuditTrail } from '../src/commands/audit/verify-audit-trail';
import { buildChain, type TestEvent } from '../../libs/audit/test/support/chain-builder';
import { testPki } from '../../libs/audit/test/support/test-pki';

const DOC_A = '6f1c7a52-0000-4000-8000-00000000000a';
const DOC_B = '6f1c7a52-0000-4000-8000-00000000000b';
const PDF = { name: `000.00.13.H26/2026/${DOC_A}/document.pdf`, sha256: 'a'.repeat(64) };
const EVENTS: TestEvent[] = [
  { type: 'document.submitted', documentId: DOC_A },
  { type: 'document.issued', documentId: DOC_A },
  { type: 'document.archived', documentId: DOC_A, payload: { objects: [{ ...PDF, size: 10, role: 'document' }] } },
];

interface Row {
  documentId: string;
  archivedAt: string;
  objects: { name: string; sha256: string }[];
}

/**
 * The archival API over an in-memory chain and record table. `afterAnswer` runs once each answer is
 * made: there a test commits what the archive does meanwhile (a record and its entry together).
 */
function fakeArchival(state: { entries: StoredEntry[]; records: Row[] }, afterAnswer: (path: string) => void = () => undefined): ApiClient {
  const json = async (_method: string, path: string): Promise<unknown> => {
    const answer = answerOf(state, path);
    afterAnswer(path);
    return answer;
  };
  return { json } as unknown as ApiClient;
}

function answerOf(state: { entries: StoredEntry[]; records: Row[] }, path: string): unknown {
  if (path === '/archive/records') return { records: [...state.records], asOf: '2026-03-02T08:00:00.000Z' };
  if (path === '/audit/checkpoints') return { checkpoints: [], writeOnceCopies: [] };
  const after = Number(/after=(\d+)/.exec(path)?.[1] ?? 0);
  const entries = state.entries.filter((entry) => entry.seq > after).map((entry) => {
    const body = JSON.parse(entry.body) as { documentId: string; type: string; orgCodes: string[]; prevHash: string };
    return { ...entry, documentId: body.documentId === '' ? null : body.documentId, type: body.type, orgCodes: body.orgCodes, prevHash: body.prevHash };
  });
  return { entries };
}

const options = { objects: false, pendingWarningAfterSeconds: 300 };

describe('verifyAuditTrail', () => {
  const chain = buildChain(EVENTS);

  it('is not misled by a document archived while it runs: records listed first, the chain read after holds their entries', async () => {
    const state = { entries: chain.slice(0, 2), records: [] as Row[] };
    // The document is archived (record and entry in one transaction) once the chain has been read.
    const client = fakeArchival(state, (path) => {
      if (path.startsWith('/audit/entries')) {
        state.entries = chain;
        state.records = [{ documentId: DOC_A, archivedAt: '2026-03-02T07:59:59.000Z', objects: [PDF] }];
      }
    });
    const report = await verifyAuditTrail(client, testPki().trust, options);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 2, pending: [], overdue: [] });
  });

  it('reports a record whose entry is not written yet as pending, and as overdue once old', async () => {
    const records = [
      { documentId: DOC_A, archivedAt: '2026-03-02T07:59:59.000Z', objects: [PDF] },
      { documentId: DOC_B, archivedAt: '2026-03-02T07:59:57.000Z', objects: [] },
    ];
    const young = await verifyAuditTrail(fakeArchival({ entries: chain, records }), testPki().trust, options);
    expect(young).toMatchObject({ ok: true, pending: [{ documentId: DOC_B, ageSeconds: 3 }], overdue: [] });

    const old = await verifyAuditTrail(fakeArchival({ entries: chain, records: [{ ...records[1], archivedAt: '2026-03-02T07:50:00.000Z' }] }), testPki().trust, options);
    expect(old).toMatchObject({ ok: true, pending: [], overdue: [{ documentId: DOC_B, ageSeconds: 600 }] });
  });

  it('still breaks on an edited entry beside a pending record', async () => {
    const edited = chain.map((entry) => (entry.seq === 2 ? { ...entry, body: entry.body.replace('"summary":"', '"summary":"forged ') } : entry));
    const report = await verifyAuditTrail(fakeArchival({ entries: edited, records: [{ documentId: DOC_B, archivedAt: '2026-03-02T07:59:59.000Z', objects: [] }] }), testPki().trust, options);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ item: 'entry 2' });
    expect(report.pending).toEqual([expect.objectContaining({ documentId: DOC_B })]);
  });
});
