/** How repeated failed sign-ins of one username are slowed, then stopped. */
export interface ThrottlePolicy {
  /** Failures allowed without waiting (3). */
  backoffAfter: number;
  /** Then each further attempt waits this long after the last failure, doubled per failure (1 s)... */
  backoffBaseMs: number;
  /** ...up to this (60 s). */
  backoffMaxMs: number;
  /** This many consecutive failures lock the username (10)... */
  lockAfter: number;
  /** ...for this long (15 min). */
  lockMs: number;
}

/** What is known of a username's recent failures (none: a fresh start). */
export interface FailureRecord {
  failures: number;
  lastFailureAt: Date;
  lockedUntil?: Date;
}

export type AttemptDecision = { allowed: true } | { allowed: false; reason: 'locked' | 'backoff'; retryAfterMs: number };

/** May this username try a password now? Decided before the password is even looked at. */
export function decideAttempt(record: FailureRecord | undefined, now: Date, policy: ThrottlePolicy): AttemptDecision {
  if (record === undefined) return { allowed: true };
  if (record.lockedUntil !== undefined && record.lockedUntil > now) {
    return { allowed: false, reason: 'locked', retryAfterMs: record.lockedUntil.getTime() - now.getTime() };
  }
  const wait = backoffMs(record.failures, policy);
  const waited = now.getTime() - record.lastFailureAt.getTime();
  if (wait > waited) return { allowed: false, reason: 'backoff', retryAfterMs: wait - waited };
  return { allowed: true };
}

/** The pause owed after `failures` consecutive failures: none up to backoffAfter, then doubling. */
export function backoffMs(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.backoffAfter) return 0;
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (failures - policy.backoffAfter));
}

/**
 * The record after one more failure. Reaching lockAfter locks the username and starts the count
 * anew, so that once the lock has passed the owner gets a few tries before waiting again. A lock
 * that has passed no longer counts.
 */
export function afterFailure(record: FailureRecord | undefined, now: Date, policy: ThrottlePolicy): { record: FailureRecord; lockedNow: boolean } {
  const failures = (record?.failures ?? 0) + 1;
  if (failures >= policy.lockAfter) {
    return { record: { failures: 0, lastFailureAt: now, lockedUntil: new Date(now.getTime() + policy.lockMs) }, lockedNow: true };
  }
  return { record: { failures, lastFailureAt: now }, lockedNow: false };
}
