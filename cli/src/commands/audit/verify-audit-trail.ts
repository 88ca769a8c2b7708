import { checkArchivedObjects, checkRecords, ChainVerifier, type ChainReport, sha256Hex, type StoredCheckpoint, withProblems, type ArchiveRecordView, type AuditTrust } from '@edoc/audit';
import { ApiClient, ApiError } from '../../http/api-client';

const PAGE = 1000;

interface CheckpointView {
  number: number;
  body: string;
  signature: string;
}

interface EntryView {
  seq: number;
  hash: string;
  body: string;
  documentId: string | null;
  type: string;
  orgCodes: string[];
  prevHash: string;
}

const decode = (checkpoint: CheckpointView): StoredCheckpoint => ({ number: checkpoint.number, body: checkpoint.body, signature: Buffer.from(checkpoint.signature, 'base64') });

/**
 * Fetches the raw audit trail from the archival service and checks it here, with the verifier's own
 * trust: the chain page by page, the checkpoints (database rows and write-once copies), every
 * archived object's bytes against the hash recorded when it was archived, and the record index.
 */
export async function verifyAuditTrail(client: ApiClient, trust: AuditTrust, options: { objects: boolean }): Promise<ChainReport & { objectsChecked: number }> {
  const { checkpoints, writeOnceCopies } = await client.json<{ checkpoints: CheckpointView[]; writeOnceCopies: CheckpointView[] }>('GET', '/audit/checkpoints');
  const verifier = new ChainVerifier(checkpoints.map(decode), trust, { wormCopies: writeOnceCopies.map(decode) });
  for (let after = 0; ; ) {
    const page = await client.json<{ entries: EntryView[] }>('GET', `/audit/entries?after=${after}&limit=${PAGE}`);
    for (const entry of page.entries) {
      verifier.add({ seq: entry.seq, hash: entry.hash, body: entry.body, columns: { documentId: entry.documentId, type: entry.type, orgCodes: entry.orgCodes, prevHash: entry.prevHash } });
    }
    if (page.entries.length < PAGE) break;
    after = page.entries[page.entries.length - 1].seq;
  }
  const chain = verifier.finish();
  const objectProblems = options.objects ? await checkArchivedObjects(chain.archivedObjects, (name) => digestOf(client, name)) : [];
  const { records } = await client.json<{ records: ArchiveRecordView[] }>('GET', '/archive/records');
  return { ...withProblems(chain, [...objectProblems, ...checkRecords(records, chain.archivedObjects)]), objectsChecked: options.objects ? chain.archivedObjects.length : 0 };
}

async function digestOf(client: ApiClient, name: string): Promise<{ sha256: string; size: number } | undefined> {
  try {
    const bytes = await client.bytes(`/archive/objects?name=${encodeURIComponent(name)}`);
    return { sha256: sha256Hex(bytes), size: bytes.length };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}
