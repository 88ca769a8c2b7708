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

/** The chain's report with further problems (objects, records) added after it. */
export function withProblems(report: ChainReport, extra: readonly AuditProblem[]): ChainReport {
  const problems = orderProblems([...report.problems, ...extra]);
  return { ...report, ok: problems.length === 0, problems, firstBreak: problems[0] };
}
