import { type AuditProblem, orderProblems } from '../problems';
import type { ArchivedObjectClaim } from './archived-objects';
import type { ChainReport } from './chain-verifier';

/** Reads an archived object and hashes it; undefined when the object does not exist. */
export type ObjectDigester = (name: string) => Promise<{ sha256: string; size: number } | undefined>;

/** Compares each archived object's current bytes with the SHA-256 the audit chain recorded when it was archived. */
export async function checkArchivedObjects(claims: readonly ArchivedObjectClaim[], digest: ObjectDigester, concurrency = 4): Promise<AuditProblem[]> {
  const problems: { index: number; problem: AuditProblem }[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < claims.length; index = next++) {
      const claim = claims[index];
      const item = `archived object ${claim.name}`;
      let actual;
      try {
        actual = await digest(claim.name);
      } catch (error) {
        problems.push({ index, problem: { kind: 'object', item, detail: `could not be read: ${(error as Error).message}` } });
        continue;
      }
      if (actual === undefined) {
        problems.push({ index, problem: { kind: 'object', item, detail: `missing (deleted); entry ${claim.entrySeq} recorded it with SHA-256 ${claim.sha256}` } });
      } else if (actual.sha256 !== claim.sha256) {
        problems.push({ index, problem: { kind: 'object', item, detail: `its content was replaced: it hashes to ${actual.sha256}, but entry ${claim.entrySeq} recorded ${claim.sha256} when it was archived` } });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return problems.sort((a, b) => a.index - b.index).map(({ problem }) => problem);
}

/** An archive record as the archival service lists it. */
export interface ArchiveRecordView {
  documentId: string;
  objects: { name: string; sha256: string }[];
}

/** The record table is a convenience index: it must say what the hashed chain says about each document's objects. */
export function checkRecords(records: readonly ArchiveRecordView[], claims: readonly ArchivedObjectClaim[]): AuditProblem[] {
  const byName = new Map(claims.map((claim) => [claim.name, claim]));
  const problems: AuditProblem[] = [];
  for (const record of records) {
    const item = `archive record of document ${record.documentId}`;
    if (!claims.some((claim) => claim.documentId === record.documentId)) {
      problems.push({ kind: 'record', item, detail: 'the audit chain has no document.archived entry for it' });
      continue;
    }
    for (const object of record.objects) {
      const claim = byName.get(object.name);
      if (claim === undefined) problems.push({ kind: 'record', item, detail: `lists ${object.name}, which the audit chain never recorded` });
      else if (claim.sha256 !== object.sha256) problems.push({ kind: 'record', item, detail: `lists ${object.name} with SHA-256 ${object.sha256}, but the audit chain recorded ${claim.sha256}` });
    }
  }
  return problems;
}

/** The chain's report with further problems (objects, records) added after it. */
export function withProblems(report: ChainReport, extra: readonly AuditProblem[]): ChainReport {
  const problems = orderProblems([...report.problems, ...extra]);
  return { ...report, ok: problems.length === 0, problems, firstBreak: problems[0] };
}
