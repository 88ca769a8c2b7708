import { findSignatureBlock, type TextLine } from '../src/domain/signature-block';

const line = (text: string, xMin: number, yMin: number, xMax: number, height = 14): TextLine => ({ text, xMin, yMin, xMax, yMax: yMin + height });
const HEIGHT = 842;
const block = [line('TM. ỦY BAN NHÂN DÂN', 350, 500, 520), line('CHỦ TỊCH', 400, 516, 470), line('Ngô Thanh Thảo', 385, 600, 480)];

describe('the signature block of a page', () => {
  it('is the gap between the position and the signer\'s name, whatever the case or the Unicode form of the name', () => {
    const found = findSignatureBlock(block, 'NGÔ THANH THẢO'.normalize('NFD'), HEIGHT);
    // Centred on the name and the position line, at least 120 pt wide, from 2 pt under "CHỦ TỊCH" to 2 pt above the name.
    expect(found?.signature).toEqual([372.5, HEIGHT - 598, 120, 598 - 532]);
  });

  it('is found when the page prints the name without its diacritics', () => {
    const ascii = [block[0], block[1], line('Ngo Thanh Thao', 385, 600, 480)];
    expect(findSignatureBlock(ascii, 'Ngô Thanh Thảo', HEIGHT)?.signature).toEqual([372.5, HEIGHT - 598, 120, 598 - 532]);
  });

  it('is not found when the name is absent, the gap is too small for a signature, or something is printed in it', () => {
    expect(findSignatureBlock(block, 'Người Khác', HEIGHT)).toBeUndefined();
    expect(findSignatureBlock([block[0], block[1], line('Ngô Thanh Thảo', 385, 540, 480)], 'Ngô Thanh Thảo', HEIGHT)).toBeUndefined();
    expect(findSignatureBlock([...block, line('| 12 | 34 |', 300, 560, 560)], 'Ngô Thanh Thảo', HEIGHT)).toBeUndefined();
  });

  it('takes the lowest block with the name when the name is printed twice (in the body and under the signature)', () => {
    const found = findSignatureBlock([line('giao ông Ngô Thanh Thảo chủ trì', 60, 200, 400), line('Điều 2.', 60, 150, 120), ...block], 'Ngô Thanh Thảo', HEIGHT);
    expect(found?.signature[1]).toBe(HEIGHT - 598);
  });
});
