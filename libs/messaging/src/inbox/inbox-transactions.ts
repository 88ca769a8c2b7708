import { Database, GroupCommit, type Tx } from '@edoc/db';
import { Inbox } from './inbox';

/** A message's effect, waiting for the transaction it will share. */
interface PendingEffect {
  consumer: string;
  messageId: string;
  apply: (tx: Tx) => Promise<unknown>;
}

type Outcome = { applied: true; value: unknown } | { applied: false };

/**
 * How long a message's effect waits for others to share its transaction (GroupCommit's lingerMs).
 * Measured on 200 documents to 20 recipients, three runs each: 31–33 → 27–29 transactions, 532–573
 * → 481–521 waits and 261–278 → 222–240 write calls a document; at 5 documents a second p99 submit →
 * delivered did not grow (2.11 s without, 1.58 s with, on a slow machine).
 */
export const MESSAGE_BATCH_LINGER_MS = 10;

/**
 * The same for consumers whose effects are records that nothing on a document's way waits for
 * (archival's audit trail, metrics' facts): longer, so their batches are larger. Three alternating
 * runs of 200 × 20 against 10 ms: archival 30.3–40.3 → 25.6–30.4 ms of CPU a document, metrics
 * 7.8–12.1 → 7.2–8.7, waits 488–519 → 466–485 a document.
 */
export const RECORD_BATCH_LINGER_MS = 50;

/**
 * Applies each message once, its effect in the transaction that claims it in the inbox, as
 *
 *   db.transaction(async (tx) => { if (await inbox.claim(tx, id, consumer)) await apply(tx); })
 *
 * would, but messages handled at the same moment share one transaction (group commit): one BEGIN,
 * one statement claiming them all and one COMMIT for the lot, and the claim does not hold the effects
 * back (see claimAndApply). A message whose effect is one statement costs two round trips, BEGIN,
 * claim and effect together, then COMMIT, instead of four; under load, when messages queue, most
 * share theirs.
 *
 * Effects must only touch the database through `tx`: when a shared transaction fails, each of its
 * messages is applied again alone (GroupCommit), so one bad message fails, and dead-letters, alone.
 * One batch is written at a time per instance; effects whose locks others wait on for long (a
 * register's counters) keep their own transactions, so the rest never queue behind them.
 */
export class InboxTransactions {
  private readonly batches: GroupCommit<PendingEffect, Outcome>;

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    { maxBatch = 32, lingerMs = MESSAGE_BATCH_LINGER_MS }: { maxBatch?: number; lingerMs?: number } = {},
  ) {
    this.batches = new GroupCommit((effects) => this.applyBatch(effects), { maxBatch, lingerMs });
  }

  /** Resolves to what `apply` returned, or undefined when the consumer had already applied the message. */
  async once<T>(consumer: string, messageId: string, apply: (tx: Tx) => Promise<T>): Promise<T | undefined> {
    if (messageId === '') throw new Error('InboxTransactions.once needs the messageId of the message');
    if (consumer === '') throw new Error('InboxTransactions.once needs a consumer name');
    const outcome = await this.batches.submit({ consumer, messageId, apply });
    return outcome.applied ? (outcome.value as T) : undefined;
  }

  /** Whether each effect was applied, with its value; a message applied before is left out and the rest applied again. */
  private async applyBatch(effects: PendingEffect[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = effects.map(() => ({ applied: false }));
    let pending = effects.map((_, index) => index);
    while (pending.length > 0) {
      const batch = pending;
      try {
        const values = await this.db.transaction((tx) => this.claimAndApply(tx, batch.map((index) => effects[index] as PendingEffect)));
        batch.forEach((index, position) => (outcomes[index] = { applied: true, value: values[position] }));
        return outcomes;
      } catch (error) {
        if (!(error instanceof AppliedBefore)) throw error;
        pending = batch.filter((_, position) => error.fresh[position]);
      }
    }
    return outcomes;
  }

  /**
   * The claims and the effects' first statements go out together (the connection is pipelined) and
   * the server runs them in that order: a message seen before is rare, so its effect is not waited
   * for. When the claims show one, the transaction is undone (AppliedBefore) and the others are
   * applied again without it.
   */
  private async claimAndApply(tx: Tx, effects: PendingEffect[]): Promise<unknown[]> {
    const claimed = this.inbox.claimEach(tx, effects);
    const applied = Promise.allSettled(effects.map((effect) => effect.apply(tx)));
    let fresh: boolean[];
    try {
      fresh = await claimed;
    } finally {
      // Nothing of the transaction may still be running when it ends, whatever the claims said.
      await applied;
    }
    if (fresh.some((isFresh) => !isFresh)) throw new AppliedBefore(fresh);
    const results = await applied;
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return results.map((result) => (result as PromiseFulfilledResult<unknown>).value);
  }
}

/** Some messages of a batch were applied before: the transaction is undone and the fresh ones applied again. */
class AppliedBefore extends Error {
  constructor(readonly fresh: boolean[]) {
    super('some messages of the batch were applied before');
  }
}
