import { csvDocument, csvField } from '../src/reports/csv';
import { formatPercent } from '../src/reports/labels';

describe('CSV', () => {
  it('quotes separators, quotes and line breaks, and leaves nulls empty', () => {
    expect(csvField('Phòng Tài chính - Kế hoạch')).toBe('Phòng Tài chính - Kế hoạch');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(66.67)).toBe('66.67');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1+1')).toBe("'-1+1");
  });

  it('starts with a byte-order mark and ends lines with CRLF', () => {
    expect(csvDocument(['a', 'b'], [[1, null]])).toBe('\uFEFFa,b\r\n1,\r\n');
  });

  it('prints shares the Vietnamese or the English way, and a dash for none', () => {
    expect(formatPercent(87.5, 'vi')).toBe('87,5%');
    expect(formatPercent(87.5, 'en')).toBe('87.5%');
    expect(formatPercent(66.67, 'en')).toBe('66.7%');
    expect(formatPercent(null, 'vi')).toBe('—');
  });
});
