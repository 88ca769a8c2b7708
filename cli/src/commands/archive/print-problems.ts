import { type AuditProblem, describeProblem } from '@edoc/audit';

const SHOWN = 20;

/** The first problem in full, then the others, at most SHOWN lines. */
export function problemLines(problems: readonly AuditProblem[], first: string): string[] {
  if (problems.length === 0) return [];
  const lines = [`${first}: ${describeProblem(problems[0])}`];
  if (problems.length > 1) lines.push(`${problems.length - 1} more problem(s):`);
  for (const problem of problems.slice(1, SHOWN)) lines.push(`  - ${describeProblem(problem)}`);
  if (problems.length > SHOWN) lines.push(`  ... and ${problems.length - SHOWN} more (use --json for all)`);
  return lines;
}
