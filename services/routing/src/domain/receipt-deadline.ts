import { Priority, VIETNAM_OFFSET_MS } from '@edoc/contracts';

export interface ReceiptRules {
  /** Minutes a HỎA TỐC delivery may wait for its 01. */
  flashMinutes: number;
  /** End of the working day in Vietnam, minutes after midnight (17:00 = 1020). */
  workdayEndMinutes: number;
}

/**
 * When a delivery must have been confirmed (01) by its recipient: HỎA TỐC within minutes; anything
 * else the same working day (Decision 28/2018), so by the end of the working day it was sent on —
 * or of the next working day when it was sent after hours or on a weekend.
 */
export function receiptDeadline(createdAt: Date, priority: Priority, rules: ReceiptRules): Date {
  if (priority === Priority.FLASH || priority === Priority.FLASH_TIMED) return new Date(createdAt.getTime() + rules.flashMinutes * 60_000);
  const local = new Date(createdAt.getTime() + VIETNAM_OFFSET_MS);
  const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  const isWeekend = (d: Date) => d.getUTCDay() === 0 || d.getUTCDay() === 6;
  if (minutes >= rules.workdayEndMinutes || isWeekend(day)) {
    do day.setUTCDate(day.getUTCDate() + 1);
    while (isWeekend(day));
  }
  return new Date(day.getTime() + rules.workdayEndMinutes * 60_000 - VIETNAM_OFFSET_MS);
}

/** "17:00" → 1020; a malformed value is a start-up error. */
export function parseClock(text: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (match === null || Number(match[1]) > 23 || Number(match[2]) > 59) throw new Error(`not a time of day (HH:MM): "${text}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}
