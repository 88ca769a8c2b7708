import { GENESIS_HASH, sha256Hex } from '../hashing';
import { type AuditProblem, orderProblems } from '../problems';
import type { AuditTrust } from '../signature/trust';
import { ARCHIVED_ENTRY_TYPE, type ArchivedObjectClaim, archivedObjectsOf } from './archived-objects';
import type { StoredCheckpoint } from './checkpoint';
import { type AuditEntryBody, parseEntryBody, type StoredEntry } from './entry';
import { type VerifiedCheckpoint, verifyCheckpoints } from './verify-checkpoints';

/** An entry row as the database holds it: the hashed body plus the columns kept beside it for queries. */
export interface ChainRow extends StoredEntry {
  /** When given, each must agree with the hashed body: queries (an export by unit) rely on them. */
  columns?: {
    documentId?: string | null;
    type?: string;
    orgCodes?: string[];
    prevHash?: string;
  };
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  head?: { seq: number; hash: string };
  documents: number;
  checkpoints: number;
  lastCheckpoint?: { number: number; lastSeq: number; createdAt: string; timestampedAt?: string };
  /** Entries after the last checkpoint: protected by the hash links only, not yet by a signature. */
  uncheckpointed: number;
  archivedObjects: ArchivedObjectClaim[];
  problems: AuditProblem[];
  firstBreak?: AuditProblem;
}

/**
 * Checks the audit chain entry by entry, in seq order, holding only one checkpoint batch and the
 * head of each document chain in memory: every entry's hash, its link to the previous entry of the
 * system and of its document, no gap or reordering, and agreement with the signed checkpoints.
 */
export class ChainVerifier {
  private readonly problems: AuditProblem[] = [];
  private readonly checkpoints: VerifiedCheckpoint[];
  private readonly documents = new Map<string, { docSeq: number; hash: string }>();
  private readonly archived: ArchivedObjectClaim[] = [];
  private last: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  private count = 0;
  private checkpointIndex = 0;
  private previousBroken = false;

  constructor(stored: readonly StoredCheckpoint[], trust: AuditTrust, options: { wormCopies?: readonly StoredCheckpoint[] } = {}) {
    const result = verifyCheckpoints(stored, trust, { complete: true, wormCopies: options.wormCopies });
    this.checkpoints = result.checkpoints;
    this.problems.push(...result.problems);
  }

  /** The next row, in ascending seq order. */
  add(row: ChainRow): void {
    this.count++;
    const expected = this.last.seq + 1;
    const item = `entry ${row.seq}`;
    const actualHash = sha256Hex(row.body);
    let body: AuditEntryBody;
    try {
      body = parseEntryBody(row.body);
    } catch (error) {
      this.report(row.seq, item, `unreadable (${(error as Error).message}): the row was edited`);
      this.last = { seq: row.seq, hash: row.hash };
      this.previousBroken = true;
      return;
    }
    let broken = false;
    if (body.seq !== row.seq) {
      broken = this.report(row.seq, item, `the row in position ${row.seq} holds entry ${body.seq}: rows were reordered or renumbered`);
    } else if (row.seq > expected) {
      const range = row.seq - 1 === expected ? `entry ${expected} is` : `entries ${expected}..${row.seq - 1} are`;
      broken = this.report(expected, `entry ${expected}`, `missing (deleted): ${range} absent, the chain goes from entry ${this.last.seq} to entry ${row.seq}`);
    } else if (row.seq < expected) {
      broken = this.report(row.seq, item, `appears again after entry ${this.last.seq}: rows were duplicated or reordered`);
    }
    if (!broken && actualHash !== row.hash) {
      broken = this.report(row.seq, item, `its content does not match its stored hash (content hashes to ${actualHash}, stored ${row.hash}): the row was edited`);
    }
    if (!broken) broken = this.checkAgainstCheckpoint(row.seq, actualHash);
    // After a reported break the previous row is not the entry this one names: a second report would only repeat it.
    if (!broken && !this.previousBroken && body.prevHash !== this.last.hash) {
      broken = this.report(row.seq, item, `does not link to entry ${this.last.seq}: it names previous hash ${body.prevHash}, but entry ${this.last.seq} has hash ${this.last.hash}; entry ${this.last.seq} was changed or replaced`);
    }
    this.followDocumentChain(row.seq, body, row.hash, !broken);
    this.checkColumns(row, body);
    this.collectArchivedObjects(row.seq, body);
    this.last = { seq: row.seq, hash: row.hash };
    this.previousBroken = broken;
  }

  finish(): ChainReport {
    for (const checkpoint of this.checkpoints) {
      if (checkpoint.parsed.lastSeq > this.last.seq) {
        const first = Math.max(checkpoint.parsed.firstSeq, this.last.seq + 1);
        this.report(first, `entry ${first}`, `missing (deleted): entries ${first}..${checkpoint.parsed.lastSeq} were signed in checkpoint ${checkpoint.number} but the chain ends at entry ${this.last.seq}`);
        break;
      }
    }
    const lastCheckpoint = this.checkpoints[this.checkpoints.length - 1];
    const problems = orderProblems(this.problems);
    return {
      ok: problems.length === 0,
      entries: this.count,
      head: this.count === 0 ? undefined : { ...this.last },
      documents: this.documents.size,
      checkpoints: this.checkpoints.length,
      lastCheckpoint:
        lastCheckpoint === undefined
          ? undefined
          : { number: lastCheckpoint.number, lastSeq: lastCheckpoint.parsed.lastSeq, createdAt: lastCheckpoint.parsed.createdAt, timestampedAt: lastCheckpoint.timestampedAt?.toISOString() },
      uncheckpointed: Math.max(0, this.last.seq - (lastCheckpoint?.parsed.lastSeq ?? 0)),
      archivedObjects: this.archived,
      problems,
      firstBreak: problems[0],
    };
  }

  private checkAgainstCheckpoint(seq: number, actualHash: string): boolean {
    while (this.checkpointIndex < this.checkpoints.length && this.checkpoints[this.checkpointIndex].parsed.lastSeq < seq) this.checkpointIndex++;
    const checkpoint = this.checkpoints[this.checkpointIndex];
    if (checkpoint === undefined || checkpoint.parsed.firstSeq > seq) return false;
    const signed = checkpoint.parsed.entryHashes[seq - checkpoint.parsed.firstSeq];
    if (signed === actualHash) return false;
    return this.report(seq, `entry ${seq}`, `its content differs from the hash signed in checkpoint ${checkpoint.number} (content hashes to ${actualHash}, signed ${signed}): the entry was changed`);
  }

  /** Moves the document's head to this entry; reports a broken link unless the entry is already reported. */
  private followDocumentChain(seq: number, body: AuditEntryBody, hash: string, reportProblems: boolean): void {
    if (body.documentId === '') return;
    const head = this.documents.get(body.documentId) ?? { docSeq: 0, hash: GENESIS_HASH };
    this.documents.set(body.documentId, { docSeq: body.docSeq, hash });
    if (!reportProblems) return;
    if (body.docSeq !== head.docSeq + 1) {
      this.report(seq, `entry ${seq}`, `is entry ${body.docSeq} of document ${body.documentId}, but the document's previous entry is number ${head.docSeq}`);
    } else if (body.docPrevHash !== head.hash) {
      this.report(seq, `entry ${seq}`, `does not link to the previous entry of document ${body.documentId} (names ${body.docPrevHash}, found ${head.hash})`);
    }
  }

  private checkColumns(row: ChainRow, body: AuditEntryBody): void {
    const columns = row.columns;
    if (columns === undefined) return;
    const disagree = (column: string, stored: unknown, hashed: unknown) =>
      this.report(row.seq, `entry ${row.seq}`, `its column ${column} (${JSON.stringify(stored)}) disagrees with its hashed content (${JSON.stringify(hashed)}): the row was edited`);
    if (columns.documentId !== undefined && (columns.documentId ?? '') !== body.documentId) disagree('document_id', columns.documentId, body.documentId);
    if (columns.type !== undefined && columns.type !== body.type) disagree('event_type', columns.type, body.type);
    if (columns.orgCodes !== undefined && [...columns.orgCodes].sort().join(',') !== [...body.orgCodes].sort().join(',')) disagree('org_codes', columns.orgCodes, body.orgCodes);
    if (columns.prevHash !== undefined && columns.prevHash !== body.prevHash) disagree('prev_hash', columns.prevHash, body.prevHash);
  }

  private collectArchivedObjects(seq: number, body: AuditEntryBody): void {
    if (body.type !== ARCHIVED_ENTRY_TYPE) return;
    try {
      this.archived.push(...archivedObjectsOf(body));
    } catch (error) {
      this.report(seq, `entry ${seq}`, (error as Error).message);
    }
  }

  /** Records a problem; returns true so a caller can stop checking the same entry. */
  private report(seq: number, item: string, detail: string): boolean {
    this.problems.push({ kind: 'entry', item, seq, detail });
    return true;
  }
}
