import { formatPercent } from '../src/reports/labels';

describe('labels', () => {
  it('prints shares the Vietnamese or the English way, and a dash for none', () => {
    expect(formatPercent(87.5, 'vi')).toBe('87,5%');
    expect(formatPercent(87.5, 'en')).toBe('87.5%');
    expect(formatPercent(66.67, 'en')).toBe('66.7%');
    expect(formatPercent(null, 'vi')).toBe('—');
  });
});
