import { PermanentMessageError } from '../errors';

export type FailureAction = { kind: 'retry'; delayMs: number } | { kind: 'dead-letter'; reason: string };

export interface FailurePolicy {
  /** Deliveries in all before a failing message is dead-lettered. */
  deliveryLimit: number;
  /** Pause before the first requeue; doubles per attempt, capped by maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

/** What to do with a message whose handler failed on delivery number `attempt` (1-based). */
export function decideOnFailure(error: unknown, attempt: number, policy: FailurePolicy): FailureAction {
  const reason = describeHandlerError(error);
  if (isPermanent(error)) return { kind: 'dead-letter', reason };
  if (attempt >= policy.deliveryLimit) {
    return { kind: 'dead-letter', reason: `${reason} (gave up after ${attempt} attempts)` };
  }
  // A short, growing pause lets a passing fault (database restart, lock timeout) clear before the next try.
  const delayMs = Math.min(policy.maxRetryDelayMs, policy.retryDelayMs * 2 ** (attempt - 1));
  return { kind: 'retry', delayMs };
}

/**
 * Node socket errors, PostgreSQL's connection classes (08xxx), shutdown codes (57P0x) and a server
 * out of connection slots (53300, "too many clients"): each passes without anything wrong with the work.
 */
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const OUTAGE_MESSAGES = /Connection terminated|connection error|terminating connection|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|too many clients already|Client was closed/i;

/**
 * Whether the handler failed because a dependency (the database, object storage) cannot be reached.
 * Such a failure says nothing about the message: it is retried in place, without spending one of
 * its delivery attempts, so an outage longer than the retry schedule dead-letters nothing.
 */
export function isOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
  if (typeof message === 'string' && OUTAGE_MESSAGES.test(message)) return true;
  return cause !== undefined && cause !== error && isOutage(cause);
}

/**
 * PermanentMessageError itself, or what Nest's exception filter made of it: the filter passes an
 * RpcException's error object on, so `{ permanent: true }` arrives instead of the instance.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentMessageError) return true;
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/** The reason a person reads in the dead-letter queue. */
export function describeHandlerError(error: unknown): string {
  if (error instanceof PermanentMessageError) return error.message;
  if (error instanceof Error) return error.name === 'Error' || error.name === '' ? error.message : `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    try {
      return JSON.stringify(error);
    } catch {
      return 'unserialisable error';
    }
  }
  return String(error);
}
