import type { AuditProblem } from '../problems';
import type { ArchivedObjectClaim } from './archived-objects';

/** An archive record as the archival service lists it. */
export interface ArchiveRecordView {
  documentId: string;
  /** When the record was written, by the database's clock (ISO 8601). */
  archivedAt?: string;
  objects: { name: string; sha256: string }[];
}

/** A record whose document.archived entry the audit chain does not hold. */
export interface UnchainedRecord {
  documentId: string;
  archivedAt?: string;
  /** Seconds since the record was written; undefined when the record does not say when. */
  ageSeconds?: number;
}

export interface RecordsCheck {
  /** Records that disagree with the chain about their objects: breaks. */
  problems: AuditProblem[];
  /** Archived, not yet chained, and younger than the warning age: work in flight, not a break. */
  pending: UnchainedRecord[];
  /** Archived and still not chained past the warning age (or of unknown age): the chain lags, or lost its tail. */
  overdue: UnchainedRecord[];
}

export interface RecordsCheckOptions {
  /** The time the records were listed, by the clock that wrote archivedAt. */
  asOf: Date;
  /** From this age on, a record without its chain entry is no longer taken for work in flight. */
  warnAfterSeconds: number;
}

/**
 * The record table is a convenience index: it must say what the hashed chain says about each
 * document's objects. A record the chain has no entry for at all is not a break by itself: a record
 * and its entry may be written one after the other, and a verifier reading between the two sees the
 * record alone. It is reported as pending, and as overdue once older than `warnAfterSeconds`: the
 * chain lags behind the archive, or its tail was removed (entries after the last checkpoint are
 * protected by the hash links only, which a cut at the end leaves intact).
 */
export function checkRecords(records: readonly ArchiveRecordView[], claims: readonly ArchivedObjectClaim[], options: RecordsCheckOptions): RecordsCheck {
  const byName = new Map(claims.map((claim) => [claim.name, claim]));
  const chained = new Set(claims.map((claim) => claim.documentId));
  const result: RecordsCheck = { problems: [], pending: [], overdue: [] };
  for (const record of records) {
    if (!chained.has(record.documentId)) {
      const unchained = { documentId: record.documentId, archivedAt: record.archivedAt, ageSeconds: ageInSeconds(record.archivedAt, options.asOf) };
      const young = unchained.ageSeconds !== undefined && unchained.ageSeconds < options.warnAfterSeconds;
      (young ? result.pending : result.overdue).push(unchained);
      continue;
    }
    const item = `archive record of document ${record.documentId}`;
    for (const object of record.objects) {
      const claim = byName.get(object.name);
      if (claim === undefined) result.problems.push({ kind: 'record', item, detail: `lists ${object.name}, which the audit chain never recorded` });
      else if (claim.sha256 !== object.sha256) result.problems.push({ kind: 'record', item, detail: `lists ${object.name} with SHA-256 ${object.sha256}, but the audit chain recorded ${claim.sha256}` });
    }
  }
  const oldestFirst = (a: UnchainedRecord, b: UnchainedRecord) => (b.ageSeconds ?? Number.POSITIVE_INFINITY) - (a.ageSeconds ?? Number.POSITIVE_INFINITY);
  result.pending.sort(oldestFirst);
  result.overdue.sort(oldestFirst);
  return result;
}

/** Whole seconds, never negative: clocks of two hosts may disagree by a little. */
function ageInSeconds(archivedAt: string | undefined, asOf: Date): number | undefined {
  const at = archivedAt === undefined ? Number.NaN : Date.parse(archivedAt);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.floor((asOf.getTime() - at) / 1000));
}
