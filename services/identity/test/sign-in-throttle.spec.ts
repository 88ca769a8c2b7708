import { afterFailure, decideAttempt, type FailureRecord, type ThrottlePolicy } from '../src/domain/sign-in-throttle';

const policy: ThrottlePolicy = { backoffAfter: 3, backoffBaseMs: 1000, backoffMaxMs: 60_000, lockAfter: 10, lockMs: 15 * 60_000 };
const t0 = new Date('2026-12-03T08:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

function failTimes(count: number): FailureRecord | undefined {
  let record: FailureRecord | undefined;
  for (let i = 0; i < count; i++) record = afterFailure(record, t0, policy).record;
  return record;
}

describe('sign-in throttle', () => {
  it('lets a username with no failures, or fewer than backoffAfter, try at once', () => {
    expect(decideAttempt(undefined, t0, policy)).toEqual({ allowed: true });
    expect(decideAttempt(failTimes(2), t0, policy)).toEqual({ allowed: true });
  });

  it('makes the next attempt wait after backoffAfter failures, doubling per failure up to the maximum', () => {
    expect(decideAttempt(failTimes(3), at(400), policy)).toEqual({ allowed: false, reason: 'backoff', retryAfterMs: 600 });
    expect(decideAttempt(failTimes(3), at(1000), policy)).toEqual({ allowed: true });
    expect(decideAttempt(failTimes(5), t0, policy)).toMatchObject({ reason: 'backoff', retryAfterMs: 4000 });
    expect(decideAttempt({ failures: 9, lastFailureAt: t0 }, t0, { ...policy, backoffMaxMs: 5000 })).toMatchObject({ retryAfterMs: 5000 });
  });

  it('locks the username at lockAfter failures, until the lock has passed', () => {
    const { record, lockedNow } = afterFailure(failTimes(9), t0, policy);
    expect(lockedNow).toBe(true);
    expect(decideAttempt(record, at(60_000), policy)).toEqual({ allowed: false, reason: 'locked', retryAfterMs: 14 * 60_000 });
    expect(decideAttempt(record, at(15 * 60_000), policy)).toEqual({ allowed: true });
  });

  it('gives the owner a few tries again once a lock has passed', () => {
    const locked = afterFailure(failTimes(9), t0, policy).record;
    const next = afterFailure(locked, at(16 * 60_000), policy);
    expect(next.lockedNow).toBe(false);
    expect(next.record.failures).toBe(1);
    expect(decideAttempt(next.record, at(16 * 60_000), policy)).toEqual({ allowed: true });
  });
});
