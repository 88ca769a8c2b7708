import { canonicalJson } from '../canonical-json';
import { GENESIS_HASH, isSha256Hex, sha256Hex } from '../hashing';
import type { StoredEntry } from './entry';

export const CHECKPOINT_KIND = 'edoc.audit.checkpoint';

/**
 * A signed, time-stamped statement "entries firstSeq..lastSeq had exactly these hashes". It lists
 * every hash of its batch, so a changed entry is located exactly even when the attacker recomputed
 * the whole chain after it, and an exported document proves its entries with the checkpoint alone.
 */
export interface CheckpointBody {
  v: 1;
  kind: typeof CHECKPOINT_KIND;
  /** 1, 2, 3, ... without gaps. */
  number: number;
  /** SHA-256 of the previous checkpoint's body (the genesis hash for checkpoint 1). */
  previousHash: string;
  firstSeq: number;
  lastSeq: number;
  entryHashes: string[];
  createdAt: string;
}

/** A checkpoint as stored and exported: the exact text that was signed and its CMS signature (DER). */
export interface StoredCheckpoint {
  number: number;
  body: string;
  signature: Buffer;
}

export function buildCheckpointBody(previous: { number: number; body: string } | undefined, entries: readonly StoredEntry[], createdAt: Date): { body: string; parsed: CheckpointBody } {
  if (entries.length === 0) throw new Error('a checkpoint needs at least one entry');
  const parsed: CheckpointBody = {
    v: 1,
    kind: CHECKPOINT_KIND,
    number: (previous?.number ?? 0) + 1,
    previousHash: previous === undefined ? GENESIS_HASH : sha256Hex(previous.body),
    firstSeq: entries[0].seq,
    lastSeq: entries[entries.length - 1].seq,
    entryHashes: entries.map((entry) => entry.hash),
    createdAt: createdAt.toISOString(),
  };
  return { body: canonicalJson(parsed), parsed };
}

export function parseCheckpointBody(text: string): CheckpointBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('its content is not JSON');
  }
  const body = value as Partial<CheckpointBody>;
  if (typeof value !== 'object' || value === null || body.kind !== CHECKPOINT_KIND || body.v !== 1) throw new Error('it is not an edoc audit checkpoint (v1)');
  if (!Number.isSafeInteger(body.number) || !Number.isSafeInteger(body.firstSeq) || !Number.isSafeInteger(body.lastSeq)) throw new Error('its number or entry range is missing');
  if (!isSha256Hex(body.previousHash)) throw new Error('it has no valid previousHash');
  if (!Array.isArray(body.entryHashes) || !body.entryHashes.every(isSha256Hex)) throw new Error('its entry hashes are not SHA-256 values');
  if (body.entryHashes.length !== (body.lastSeq as number) - (body.firstSeq as number) + 1) {
    throw new Error(`it covers entries ${body.firstSeq}..${body.lastSeq} but lists ${body.entryHashes.length} hashes`);
  }
  if (typeof body.createdAt !== 'string') throw new Error('it has no createdAt');
  return body as CheckpointBody;
}
