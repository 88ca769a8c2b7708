import { buildNotation, edxmlDocumentId, formatRegisterNumber, numberAndNotation } from '../src/domain/numbering';
import { vietnamDate, vietnamIsoTime, vietnamYear } from '@edoc/contracts';
import { canonicalTypeCode } from '@edoc/contracts';

describe('numbers and notations (Decree 30)', () => {
  it('prints a leading zero below 10 only', () => {
    expect([1, 9, 10, 123].map(formatRegisterNumber)).toEqual(['01', '09', '10', '123']);
  });

  it('omits the type abbreviation for a công văn', () => {
    expect(numberAndNotation(123, buildNotation('CV', 'UBND', 'VP'))).toBe('123/UBND-VP');
    expect(numberAndNotation(5, buildNotation('QĐ', 'UBND'))).toBe('05/QĐ-UBND');
  });

  it('builds the edXML document id', () => {
    expect(edxmlDocumentId('000.00.00.G22', '2015-09-30', 7816, 'VPCP-TTĐT')).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
  });

  it('accepts type abbreviations in any case and with D for Đ', () => {
    expect(canonicalTypeCode('qd')).toBe('QĐ');
    expect(canonicalTypeCode('QyĐ')).toBe('QyĐ');
    expect(canonicalTypeCode('ttr')).toBe('TTr');
    expect(canonicalTypeCode('XYZ')).toBeUndefined();
  });
});

describe('Vietnam time', () => {
  it('rolls the year over at 00:00 on 1 January UTC+7', () => {
    expect(vietnamYear(new Date('2026-12-31T16:59:59Z'))).toBe(2026);
    expect(vietnamYear(new Date('2026-12-31T17:00:00Z'))).toBe(2027);
  });

  it('prints dates and ISO times in Vietnam', () => {
    expect(vietnamDate(new Date('2026-03-01T18:30:00Z'))).toBe('2026-03-02');
    expect(vietnamIsoTime(new Date('2026-03-01T18:30:05.123Z'))).toBe('2026-03-02T01:30:05+07:00');
  });
});
