import { AUDIT_EXIT_CODES, verdictLines, verdictOf } from '../src/commands/audit/audit-verdict';
import type { AuditTrailReport } from '../src/commands/audit/verify-audit-trail';

const DOC_A = '6f1c7a52-0000-4000-8000-00000000000a';
const DOC_B = '6f1c7a52-0000-4000-8000-00000000000b';

function report(overrides: Partial<AuditTrailReport>): AuditTrailReport {
  return {
    ok: true,
    entries: 10,
    documents: 2,
    checkpoints: 1,
    uncheckpointed: 0,
    archivedObjects: [],
    problems: [],
    objectsChecked: 0,
    pending: [],
    overdue: [],
    pendingWarningAfterSeconds: 300,
    ...overrides,
  };
}

describe('audit verify verdict', () => {
  it('is INTACT, exit 0, with documents in flight listed as pending', () => {
    const pending = report({ pending: [{ documentId: DOC_B, ageSeconds: 12 }, { documentId: DOC_A, ageSeconds: 2 }] });
    expect(AUDIT_EXIT_CODES[verdictOf(pending)]).toBe(0);
    expect(verdictLines(pending)).toEqual([`pending: archived, not yet chained (2 documents, oldest 12 s: ${DOC_B}, ${DOC_A})`, 'INTACT: no break found']);
    expect(verdictLines(report({}))).toEqual(['INTACT: no break found']);
  });

  it('warns, exit 2, about a document still not chained past the warning age', () => {
    const late = report({ overdue: [{ documentId: DOC_A, ageSeconds: 612 }] });
    expect(AUDIT_EXIT_CODES[verdictOf(late)]).toBe(2);
    const lines = verdictLines(late);
    expect(lines[0]).toBe(`WARNING: archived, still not chained after 300 s (1 document, oldest 612 s: ${DOC_A}): the chain lags behind the archive, or entries after its last checkpoint were removed`);
    expect(lines[1]).toMatch(/^INTACT: no break found in the chain, but see the WARNING/);
  });

  it('is BROKEN, exit 1, at a real break, and still says what is pending', () => {
    const broken = report({
      ok: false,
      problems: [{ kind: 'entry', item: 'entry 3', seq: 3, detail: 'its content does not match its stored hash' }],
      pending: [{ documentId: DOC_B, ageSeconds: 1 }],
      overdue: [{ documentId: DOC_A, ageSeconds: 900 }],
    });
    expect(AUDIT_EXIT_CODES[verdictOf(broken)]).toBe(1);
    const lines = verdictLines(broken);
    expect(lines[0]).toMatch(/^pending: archived, not yet chained \(1 document, oldest 1 s/);
    expect(lines[1]).toMatch(/^WARNING: /);
    expect(lines[2]).toBe('BROKEN: first break: entry 3: its content does not match its stored hash');
  });

  it('lists a few documents and points to --json for the rest', () => {
    const many = report({ pending: Array.from({ length: 7 }, (_, i) => ({ documentId: `doc-${i}`, ageSeconds: 10 - i })) });
    expect(verdictLines(many)[0]).toBe('pending: archived, not yet chained (7 documents, oldest 10 s: doc-0, doc-1, doc-2, doc-3, doc-4, ... and 2 more (use --json for all))');
  });
});
