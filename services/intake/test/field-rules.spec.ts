import { bounded, checkDraftingUnit, MAX_PROBLEMS, oneLine, unprintableProblem } from '../src/domain/field-rules';
import { requestFingerprint } from '../src/domain/request-fingerprint';

describe('field rules', () => {
  it('names every field, nested ones too, that holds a control character or a lone surrogate, and ten at most', () => {
    expect(unprintableProblem({ subject: 'a\u0000b', recipients: ['ok', 'x\ud800'], nested: { deep: 'z\u007f' }, notes: 'two\nlines\tand a tab' })).toBe(
      'subject, recipients[1], nested.deep: control characters and unpaired surrogates are not allowed',
    );
    expect(unprintableProblem({ subject: 'Về việc 😀 tổng vệ sinh' })).toBeUndefined();
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, '\u0001']));
    expect(unprintableProblem(many)).toMatch(/^f0, f1, .*f9 and 20 more: /);
  });

  it('takes a drafting unit only as an abbreviation, Vietnamese capitals included', () => {
    const problems: string[] = [];
    for (const ok of ['VP', 'QLĐT', 'LĐTBXH', 'P2']) checkDraftingUnit(ok, problems);
    expect(problems).toEqual([]);
    for (const bad of ['vp', 'V P', '<b>', 'V'.repeat(13), 'VP-TC']) checkDraftingUnit(bad, problems);
    expect(problems).toHaveLength(5);
  });

  it('keeps a problem list short', () => {
    const list = Array.from({ length: 50 }, (_, i) => `p${i}`);
    expect(bounded(list)).toHaveLength(MAX_PROBLEMS);
    expect(bounded(list).at(-1)).toBe('and 31 more problems');
    expect(bounded(['a'])).toEqual(['a']);
  });

  it('makes one line of pasted text', () => {
    expect(oneLine('  Về việc\r\n  kiểm tra\t tháng 12 ')).toBe('Về việc kiểm tra tháng 12');
  });
});

describe('request fingerprint', () => {
  it('is the same for the same fields in another order, and differs with any field or file', () => {
    const a = requestFingerprint({ subject: 's', recipients: ['x', 'y'], signer: 'u' }, ['f1']);
    expect(requestFingerprint({ signer: 'u', recipients: ['x', 'y'], subject: 's' }, ['f1'])).toBe(a);
    expect(requestFingerprint({ subject: 's', recipients: ['y', 'x'], signer: 'u' }, ['f1'])).not.toBe(a);
    expect(requestFingerprint({ subject: 's2', recipients: ['x', 'y'], signer: 'u' }, ['f1'])).not.toBe(a);
    expect(requestFingerprint({ subject: 's', recipients: ['x', 'y'], signer: 'u' }, ['f2'])).not.toBe(a);
    expect(requestFingerprint({ subject: 's', recipients: ['x', 'y'], signer: 'u' }, ['f1', 'f3'])).not.toBe(a);
  });
});
