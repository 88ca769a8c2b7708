import { csvDocument, csvField } from '@edoc/runtime';

describe('CSV', () => {
  it('quotes separators, quotes and line breaks, and leaves nulls empty', () => {
    expect(csvField('Phòng Tài chính - Kế hoạch')).toBe('Phòng Tài chính - Kế hoạch');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(66.67)).toBe('66.67');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1+1')).toBe("'-1+1");
  });

  it('never writes a control character or a lone surrogate raw', () => {
    expect(csvField('a\u0000b\u001bc\ud800')).toBe('a\ufffdb\ufffdc\ufffd');
  });

  it('starts with a byte-order mark and ends lines with CRLF', () => {
    expect(csvDocument(['a', 'b'], [[1, null]])).toBe('\uFEFFa,b\r\n1,\r\n');
  });
});
