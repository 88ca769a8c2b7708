import { checkArchivedObjects, checkRecords, ChainVerifier, type ChainReport, sha256Hex, type StoredCheckpoint, withProblems, type ArchiveRecordView, type AuditTrust, type UnchainedRecord } from '@edoc/audit';
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

export interface AuditTrailReport extends ChainReport {
  objectsChecked: number;
  /** Archived, not yet in the chain, younger than `pendingWarningAfterSeconds`: work in flight. */
  pending: UnchainedRecord[];
  /** Archived and still not in the chain past `pendingWarningAfterSeconds`. */
  overdue: UnchainedRecord[];
  pendingWarningAfterSeconds: number;
}

const decode = (checkpoint: CheckpointView): StoredCheckpoint => ({ number: checkpoint.number, body: checkpoint.body, signature: Buffer.from(checkpoint.signature, 'base64') });

/**
 * Fetches the raw audit trail from the archival service and checks it here, with the verifier's own
 * trust: the chain page by page, the checkpoints (database rows and write-once copies), every
 * archived object's bytes against the hash recorded when it was archived, and the record index.
 *
 * The records are listed first. The archive writes a record and its document.archived entry in one
 * transaction, so every record listed has its entry in the chain read afterwards; read the other
 * way round (chain, then minutes of hashing objects, then records) every document archived in
 * between looked like a record the chain had lost. A record without its entry that remains is
 * reported as pending while young, with a warning once older than `pendingWarningAfterSeconds`.
 */
export async function verifyAuditTrail(client: ApiClient, trust: AuditTrust, options: { objects: boolean; pendingWarningAfterSeconds: number }): Promise<AuditTrailReport> {
  const listing = await client.json<{ records: ArchiveRecordView[]; asOf?: string }>('GET', '/archive/records');
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
  // The service's clock wrote archivedAt; this machine's may be minutes off. (An older service sends no asOf.)
  const asOf = listing.asOf === undefined ? new Date() : new Date(listing.asOf);
  const records = checkRecords(listing.records, chain.archivedObjects, { asOf, warnAfterSeconds: options.pendingWarningAfterSeconds });
  return {
    ...withProblems(chain, [...objectProblems, ...records.problems]),
    objectsChecked: options.objects ? chain.archivedObjects.length : 0,
    pending: records.pending,
    overdue: records.overdue,
    pendingWarningAfterSeconds: options.pendingWarningAfterSeconds,
  };
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
