import type { UnchainedRecord } from '@edoc/audit';
import { problemLines } from '../archive/print-problems';
import type { AuditTrailReport } from './verify-audit-trail';

/** broken: a real break (exit 1); overdue: no break, but archived documents long missing from the chain (exit 2). */
export type AuditVerdict = 'intact' | 'overdue' | 'broken';

export const AUDIT_EXIT_CODES: Record<AuditVerdict, number> = { intact: 0, broken: 1, overdue: 2 };

export const AUDIT_EXIT_HELP = `
Exit codes:
  0  INTACT: no break. Documents archived a moment ago whose chain entry is not there yet are
     listed as "pending" (work in flight), not as a break.
  1  BROKEN: an entry, a checkpoint, an archived object or a record was changed, removed or
     reordered (also when the check could not run).
  2  WARNING: no break, but documents archived longer ago than --pending-warning-after are still
     not in the chain: the chain lags behind the archive, or entries after its last checkpoint
     were removed.`;

const SHOWN = 5;

export function verdictOf(report: Pick<AuditTrailReport, 'ok' | 'overdue'>): AuditVerdict {
  if (!report.ok) return 'broken';
  return report.overdue.length > 0 ? 'overdue' : 'intact';
}

/** The pending and warning lines, then the verdict. */
export function verdictLines(report: AuditTrailReport): string[] {
  const lines: string[] = [];
  if (report.pending.length > 0) lines.push(`pending: archived, not yet chained (${group(report.pending)})`);
  if (report.overdue.length > 0) {
    lines.push(
      `WARNING: archived, still not chained after ${report.pendingWarningAfterSeconds} s (${group(report.overdue)}): ` +
        'the chain lags behind the archive, or entries after its last checkpoint were removed',
    );
  }
  switch (verdictOf(report)) {
    case 'broken':
      return [...lines, ...problemLines(report.problems, 'BROKEN: first break')];
    case 'overdue':
      return [...lines, 'INTACT: no break found in the chain, but see the WARNING above'];
    case 'intact':
      return [...lines, 'INTACT: no break found'];
  }
}

/** "2 documents, oldest 41 s: <id>, <id>" */
function group(records: readonly UnchainedRecord[]): string {
  const count = `${records.length} document${records.length === 1 ? '' : 's'}`;
  const oldest = records[0].ageSeconds === undefined ? 'oldest of unknown age' : `oldest ${records[0].ageSeconds} s`;
  const ids = records.slice(0, SHOWN).map((record) => record.documentId);
  const more = records.length > SHOWN ? `, ... and ${records.length - SHOWN} more (use --json for all)` : '';
  return `${count}, ${oldest}: ${ids.join(', ')}${more}`;
}
