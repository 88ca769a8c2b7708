/** What a verification found wrong, named so that a person can find the item. */
export interface AuditProblem {
  kind: 'entry' | 'checkpoint' | 'object' | 'record' | 'file' | 'manifest' | 'proof' | 'trust';
  /** The item: "entry 17", "checkpoint 3", "documents/<id>/document.pdf", ... */
  item: string;
  detail: string;
  /** Where in the system chain the break is, when it is in the chain: problems are ordered by it. */
  seq?: number;
}

/** Sorts problems so the first break in chain order comes first; problems outside the chain follow in the order found. */
export function orderProblems(problems: readonly AuditProblem[]): AuditProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.seq ?? Number.POSITIVE_INFINITY) - (b.problem.seq ?? Number.POSITIVE_INFINITY) || a.index - b.index)
    .map(({ problem }) => problem);
}

export function describeProblem(problem: AuditProblem): string {
  return `${problem.item}: ${problem.detail}`;
}
