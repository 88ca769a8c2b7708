import { buildCheckpointBody, chainEntry, GENESIS_HASH, signDetached, type StoredCheckpoint, type StoredEntry } from '@edoc/audit';
import type { SigningIdentity } from '@edoc/pki';
import { testPki } from './test-pki';

export interface TestEvent {
  type: string;
  documentId?: string;
  orgCodes?: string[];
  payload?: Record<string, unknown>;
}

/** Appends events the way the archival service does, keeping the system and document heads. */
export function buildChain(events: TestEvent[]): StoredEntry[] {
  const entries: StoredEntry[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  const documents = new Map<string, { docSeq: number; hash: string }>();
  events.forEach((event, index) => {
    const documentId = event.documentId ?? '';
    const entry = chainEntry(
      {
        type: event.type,
        messageId: `message-${index + 1}`,
        documentId,
        orgCodes: event.orgCodes ?? ['000.00.13.H26'],
        occurredAt: new Date(Date.UTC(2026, 0, 5, 8, 0, index)).toISOString(),
        recordedAt: new Date(Date.UTC(2026, 0, 5, 8, 0, index + 1)).toISOString(),
        summary: event.type,
        payload: (event.payload ?? { n: index }) as never,
      },
      { head, docHead: documents.get(documentId) },
    );
    entries.push({ seq: entry.seq, hash: entry.hash, body: entry.body });
    head = { seq: entry.seq, hash: entry.hash };
    if (documentId !== '') documents.set(documentId, { docSeq: entry.parsed.docSeq, hash: entry.hash });
  });
  return entries;
}

/** Checkpoints of `size` entries each over the chain, signed by `signer` (the archive by default). */
export async function checkpointsFor(entries: StoredEntry[], size: number, signer: SigningIdentity = testPki().archive): Promise<StoredCheckpoint[]> {
  const checkpoints: StoredCheckpoint[] = [];
  let previous: { number: number; body: string } | undefined;
  for (let start = 0; start < entries.length; start += size) {
    const { body, parsed } = buildCheckpointBody(previous, entries.slice(start, start + size), new Date(Date.UTC(2026, 0, 5, 9)));
    checkpoints.push({ number: parsed.number, body, signature: await signDetached(Buffer.from(body), signer, testPki().tsa) });
    previous = { number: parsed.number, body };
  }
  return checkpoints;
}
