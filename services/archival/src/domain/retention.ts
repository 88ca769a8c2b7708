import type { RetentionPeriod } from '../config/archival-settings';

export interface Retention {
  /** "permanent" or "<n>-years". */
  retentionClass: string;
  /** Undefined when kept permanently. */
  retainUntil: Date | undefined;
}

/**
 * Legal normative documents are kept permanently; other documents for their type's configured
 * period, or the default number of years, counted from the date of issue.
 */
export function retentionFor(document: { legalNormative: boolean; typeCode: string }, issuedAt: Date, settings: { defaultRetentionYears: number; retentionByType: ReadonlyMap<string, RetentionPeriod> }): Retention {
  const period: RetentionPeriod = document.legalNormative ? 'permanent' : (settings.retentionByType.get(document.typeCode.normalize('NFC')) ?? { years: settings.defaultRetentionYears });
  if (period === 'permanent') return { retentionClass: 'permanent', retainUntil: undefined };
  const until = new Date(issuedAt);
  until.setUTCFullYear(until.getUTCFullYear() + period.years);
  return { retentionClass: `${period.years}-years`, retainUntil: until };
}
