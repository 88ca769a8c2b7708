import { parseRetentionByType } from '../src/config/archival-settings';
import { retentionFor } from '../src/domain/retention';

const ISSUED = new Date('2026-02-10T09:00:00Z');
const settings = { defaultRetentionYears: 10, retentionByType: parseRetentionByType('BC=20, TB=permanent') };

describe('retention', () => {
  it('keeps a legal normative document permanently, whatever its type', () => {
    expect(retentionFor({ legalNormative: true, typeCode: 'BC' }, ISSUED, settings)).toEqual({ retentionClass: 'permanent', retainUntil: undefined });
  });

  it('uses the period of the type, else the default, counted from the date of issue', () => {
    expect(retentionFor({ legalNormative: false, typeCode: 'BC' }, ISSUED, settings)).toEqual({ retentionClass: '20-years', retainUntil: new Date('2046-02-10T09:00:00Z') });
    expect(retentionFor({ legalNormative: false, typeCode: 'TB' }, ISSUED, settings).retentionClass).toBe('permanent');
    expect(retentionFor({ legalNormative: false, typeCode: 'CV' }, ISSUED, settings)).toEqual({ retentionClass: '10-years', retainUntil: new Date('2036-02-10T09:00:00Z') });
  });

  it('refuses a configuration it cannot read, naming the item', () => {
    expect(() => parseRetentionByType('QĐ=forever')).toThrow('"QĐ=forever" is not TYPE=YEARS or TYPE=permanent');
    expect(() => parseRetentionByType('BC=0')).toThrow('"BC=0" must keep documents at least 1 year');
  });
});
