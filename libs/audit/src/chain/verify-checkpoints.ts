import { GENESIS_HASH, sha256Hex } from '../hashing';
import type { AuditProblem } from '../problems';
import { verifyDetached } from '../signature/detached-signature';
import type { AuditTrust } from '../signature/trust';
import { type CheckpointBody, parseCheckpointBody, type StoredCheckpoint } from './checkpoint';

export interface VerifiedCheckpoint {
  number: number;
  hash: string;
  parsed: CheckpointBody;
  /** True when its signature is valid, by a trusted archive certificate, with a valid time-stamp. */
  trusted: boolean;
  timestampedAt?: Date;
}

export interface CheckpointVerifyOptions {
  /** The write-once copies: where one exists it wins over the database row, whose difference is a problem. */
  wormCopies?: readonly StoredCheckpoint[];
  /** The whole series (1, 2, 3, ...) must be there and linked; false for the few a package carries. */
  complete: boolean;
  /** How to name a checkpoint in a problem. */
  itemName?: (checkpointNumber: number) => string;
}

/** Checks each checkpoint's signature and time-stamp and, for a complete series, the links between them. */
export function verifyCheckpoints(stored: readonly StoredCheckpoint[], trust: AuditTrust, options: CheckpointVerifyOptions): { checkpoints: VerifiedCheckpoint[]; problems: AuditProblem[] } {
  const name = options.itemName ?? ((n: number) => `checkpoint ${n}`);
  const problems: AuditProblem[] = [];
  const byNumber = new Map<number, StoredCheckpoint>();
  for (const checkpoint of stored) byNumber.set(checkpoint.number, checkpoint);
  for (const copy of options.wormCopies ?? []) {
    const row = byNumber.get(copy.number);
    if (row === undefined) {
      problems.push({ kind: 'checkpoint', item: name(copy.number), detail: 'missing from the database (deleted); its write-once copy is checked instead' });
    } else if (row.body !== copy.body || !row.signature.equals(copy.signature)) {
      problems.push({ kind: 'checkpoint', item: name(copy.number), detail: 'the database copy differs from the write-once copy (edited); the write-once copy is checked instead' });
    }
    byNumber.set(copy.number, copy);
  }

  const checkpoints: VerifiedCheckpoint[] = [];
  let previous: VerifiedCheckpoint | undefined;
  for (const checkpoint of [...byNumber.values()].sort((a, b) => a.number - b.number)) {
    let parsed: CheckpointBody;
    try {
      parsed = parseCheckpointBody(checkpoint.body);
    } catch (error) {
      problems.push({ kind: 'checkpoint', item: name(checkpoint.number), detail: `unreadable: ${(error as Error).message}` });
      continue;
    }
    const position = parsed.firstSeq;
    if (parsed.number !== checkpoint.number) {
      problems.push({ kind: 'checkpoint', item: name(checkpoint.number), seq: position, detail: `its signed content says it is checkpoint ${parsed.number}` });
    }
    const signature = verifyDetached(Buffer.from(checkpoint.body, 'utf8'), checkpoint.signature, trust);
    for (const detail of signature.problems) problems.push({ kind: 'checkpoint', item: name(checkpoint.number), seq: position, detail });
    const verified: VerifiedCheckpoint = { number: parsed.number, hash: sha256Hex(checkpoint.body), parsed, trusted: signature.problems.length === 0, timestampedAt: signature.timestampedAt };
    if (options.complete) checkLinks(verified, previous, name, problems);
    checkpoints.push(verified);
    previous = verified;
  }
  return { checkpoints, problems };
}

function checkLinks(current: VerifiedCheckpoint, previous: VerifiedCheckpoint | undefined, name: (n: number) => string, problems: AuditProblem[]): void {
  const expectedNumber = (previous?.number ?? 0) + 1;
  const seq = current.parsed.firstSeq;
  if (current.number > expectedNumber) {
    const also = expectedNumber === current.number - 1 ? '' : ` with checkpoints up to ${current.number - 1}`;
    problems.push({ kind: 'checkpoint', item: name(expectedNumber), seq, detail: `missing (deleted)${also}: the series goes from ${previous?.number ?? 0} to ${current.number}` });
    return;
  }
  const expectedHash = previous?.hash ?? GENESIS_HASH;
  if (current.parsed.previousHash !== expectedHash) {
    problems.push({ kind: 'checkpoint', item: name(current.number), seq, detail: `does not link to checkpoint ${previous?.number ?? '(none)'}: it names previous hash ${current.parsed.previousHash}, found ${expectedHash}` });
  }
  const expectedFirst = (previous?.parsed.lastSeq ?? 0) + 1;
  if (current.parsed.firstSeq !== expectedFirst) {
    problems.push({ kind: 'checkpoint', item: name(current.number), seq, detail: `covers entries from ${current.parsed.firstSeq}, but the previous checkpoint ended at entry ${expectedFirst - 1}` });
  }
}
