import { entryToFact } from '../src/domain/register-entry';

const YEARS = { from: 2025, to: 2026 };
const ENTRY = {
  entryId: '0b6f7e2a-5d3c-4c1e-9f5e-3f1e2d4c5b6a',
  orgCode: '000.31.13.H26',
  book: 'incoming',
  year: 2025,
  number: 7,
  medium: 'paper',
  numberNotation: '12/UBND-VP',
  typeCode: 'CV',
  subject: 'Về việc tổng vệ sinh',
  counterpart: '000.00.13.H26 Ủy ban nhân dân quận',
  dueDate: '2025-03-20',
  recordedAt: '2025-03-10T17:30:00.000Z',
};

describe('a register entry from intake as a fact', () => {
  it('keeps what the figures and the drill-down need, on the Vietnam day of its registration', () => {
    expect(entryToFact(ENTRY, 1, YEARS)).toEqual({
      entryId: ENTRY.entryId,
      orgCode: ENTRY.orgCode,
      book: 'incoming',
      medium: 'paper',
      routine: true,
      year: 2025,
      number: 7,
      documentId: null,
      typeCode: 'CV',
      subject: ENTRY.subject,
      counterpart: ENTRY.counterpart,
      dueDate: '2025-03-20',
      recordedAt: new Date(ENTRY.recordedAt),
      localDate: '2025-03-11',
    });
  });

  it.each([
    [[], 'line 3: not a JSON object'],
    [{ ...ENTRY, entryId: 'x' }, 'line 3: entryId "x" is not a UUID'],
    [{ ...ENTRY, orgCode: undefined }, 'line 3: orgCode is missing'],
    [{ ...ENTRY, book: 'follow-up' }, 'line 3: book "follow-up" is not outgoing or incoming'],
    [{ ...ENTRY, medium: 'fax' }, 'line 3: medium "fax" is not electronic, paper or both'],
    [{ ...ENTRY, year: 2024 }, `line 3: entry ${ENTRY.entryId} is of year 2024, outside the years being rebuilt (2025-2026)`],
    [{ ...ENTRY, year: '2025' }, 'line 3: year is not a whole number'],
    [{ ...ENTRY, recordedAt: 'soon' }, 'line 3: recordedAt "soon" is not a time'],
    [{ ...ENTRY, dueDate: '20/03/2025' }, 'line 3: dueDate "20/03/2025" is not yyyy-mm-dd'],
    [{ ...ENTRY, documentId: 'doc-1' }, 'line 3: documentId "doc-1" is not a UUID'],
  ])('refuses a bad entry with the line and the field: %j', (entry, message) => {
    expect(() => entryToFact(entry, 3, YEARS)).toThrow(message);
  });
});
