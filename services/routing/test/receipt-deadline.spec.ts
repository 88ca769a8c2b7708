import { Priority } from '@edoc/contracts';
import { parseClock, receiptDeadline } from '../src/domain/receipt-deadline';

const rules = { flashMinutes: 15, workdayEndMinutes: parseClock('17:00') };
// Times below are written in Vietnam time (+07:00).
const at = (local: string) => new Date(`${local}+07:00`);

describe('receipt deadline', () => {
  it('gives HỎA TỐC 15 minutes, whatever the hour', () => {
    expect(receiptDeadline(at('2026-11-26T22:10:00'), Priority.FLASH, rules)).toEqual(at('2026-11-26T22:25:00'));
  });

  it('gives other documents until the end of the working day they were sent on', () => {
    expect(receiptDeadline(at('2026-11-26T09:30:00'), Priority.NORMAL_UNSPECIFIED, rules)).toEqual(at('2026-11-26T17:00:00'));
    expect(receiptDeadline(at('2026-11-26T16:59:00'), Priority.URGENT, rules)).toEqual(at('2026-11-26T17:00:00'));
  });

  it('moves to the next working day after hours and over the weekend', () => {
    expect(receiptDeadline(at('2026-11-26T17:30:00'), Priority.NORMAL_UNSPECIFIED, rules)).toEqual(at('2026-11-27T17:00:00'));
    // Friday evening → Monday; Saturday → Monday.
    expect(receiptDeadline(at('2026-11-27T18:00:00'), Priority.NORMAL_UNSPECIFIED, rules)).toEqual(at('2026-11-30T17:00:00'));
    expect(receiptDeadline(at('2026-11-28T10:00:00'), Priority.NORMAL_UNSPECIFIED, rules)).toEqual(at('2026-11-30T17:00:00'));
  });

  it('refuses a malformed clock', () => {
    expect(() => parseClock('5pm')).toThrow('not a time of day');
    expect(parseClock('08:05')).toBe(485);
  });
});
