import { type ArchivedObjectClaim, checkRecords } from '@edoc/audit';

const DOC_A = '6f1c7a52-0000-4000-8000-00000000000a';
const DOC_B = '6f1c7a52-0000-4000-8000-00000000000b';
const DOC_C = '6f1c7a52-0000-4000-8000-00000000000c';
const AS_OF = new Date('2026-03-02T08:00:00.000Z');
const secondsBefore = (seconds: number) => new Date(AS_OF.getTime() - seconds * 1000).toISOString();
const SHA = 'a'.repeat(64);

const claim = (documentId: string, name: string, sha256 = SHA): ArchivedObjectClaim => ({ documentId, name, sha256, size: 10, role: 'document', entrySeq: 6 });
const options = { asOf: AS_OF, warnAfterSeconds: 300 };

describe('checkRecords', () => {
  it('finds nothing when every record says what the chain says', () => {
    const result = checkRecords([{ documentId: DOC_A, archivedAt: secondsBefore(3600), objects: [{ name: 'a/document.pdf', sha256: SHA }] }], [claim(DOC_A, 'a/document.pdf')], options);
    expect(result).toEqual({ problems: [], pending: [], overdue: [] });
  });

  it('reports a record younger than the warning age without its chain entry as pending, not as a break', () => {
    const result = checkRecords([{ documentId: DOC_B, archivedAt: secondsBefore(4), objects: [{ name: 'b/document.pdf', sha256: SHA }] }], [], options);
    expect(result.problems).toEqual([]);
    expect(result.pending).toEqual([{ documentId: DOC_B, archivedAt: secondsBefore(4), ageSeconds: 4 }]);
    expect(result.overdue).toEqual([]);
  });

  it('reports one from the warning age on as overdue, oldest first', () => {
    const records = [
      { documentId: DOC_A, archivedAt: secondsBefore(300), objects: [] },
      { documentId: DOC_B, archivedAt: secondsBefore(299), objects: [] },
      { documentId: DOC_C, archivedAt: secondsBefore(7200), objects: [] },
    ];
    const result = checkRecords(records, [], options);
    expect(result.problems).toEqual([]);
    expect(result.pending.map((r) => r.documentId)).toEqual([DOC_B]);
    expect(result.overdue.map((r) => [r.documentId, r.ageSeconds])).toEqual([
      [DOC_C, 7200],
      [DOC_A, 300],
    ]);
  });

  it('takes a record of unknown age for overdue: it cannot be shown to be in flight', () => {
    const result = checkRecords([{ documentId: DOC_A, objects: [] }], [], options);
    expect(result.overdue).toEqual([{ documentId: DOC_A, archivedAt: undefined, ageSeconds: undefined }]);
  });

  it('counts a record written after the list time by a clock a little ahead as just archived', () => {
    const result = checkRecords([{ documentId: DOC_A, archivedAt: new Date(AS_OF.getTime() + 1500).toISOString(), objects: [] }], [], options);
    expect(result.pending).toEqual([expect.objectContaining({ ageSeconds: 0 })]);
  });

  it('still breaks on a chained record whose objects disagree with the chain, whatever its age', () => {
    const records = [
      { documentId: DOC_A, archivedAt: secondsBefore(1), objects: [{ name: 'a/document.pdf', sha256: 'b'.repeat(64) }, { name: 'a/forged.pdf', sha256: SHA }] },
    ];
    const result = checkRecords(records, [claim(DOC_A, 'a/document.pdf')], options);
    expect(result.pending).toEqual([]);
    expect(result.problems).toEqual([
      { kind: 'record', item: `archive record of document ${DOC_A}`, detail: `lists a/document.pdf with SHA-256 ${'b'.repeat(64)}, but the audit chain recorded ${SHA}` },
      { kind: 'record', item: `archive record of document ${DOC_A}`, detail: 'lists a/forged.pdf, which the audit chain never recorded' },
    ]);
  });
});
