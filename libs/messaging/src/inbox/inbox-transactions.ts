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
 * Applies each message once, its effect in the transaction that claims it in the inbox, as
 *
 *   db.transaction(async (tx) => { if (await inbox.claim(tx, id, consumer)) await apply(tx); })
 *
 * would, but messages handled at the same moment share one transaction (group commit): one BEGIN,
 * one statement claiming them all and one COMMIT for the lot. A message's own effect costs four
 * round trips less, and under load, when messages queue, most share.
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
    maxBatch = 32,
  ) {
    this.batches = new GroupCommit((effects) => this.applyBatch(effects), maxBatch);
  }

  /** Resolves to what `apply` returned, or undefined when the consumer had already applied the message. */
  async once<T>(consumer: string, messageId: string, apply: (tx: Tx) => Promise<T>): Promise<T | undefined> {
    if (messageId === '') throw new Error('InboxTransactions.once needs the messageId of the message');
    if (consumer === '') throw new Error('InboxTransactions.once needs a consumer name');
    const outcome = await this.batches.submit({ consumer, messageId, apply });
    return outcome.applied ? (outcome.value as T) : undefined;
  }

  private applyBatch(effects: PendingEffect[]): Promise<Outcome[]> {
    return this.db.transaction(async (tx) => {
      const fresh = await this.inbox.claimEach(tx, effects);
      const outcomes: Outcome[] = [];
      for (const [index, effect] of effects.entries()) {
        outcomes.push(fresh[index] ? { applied: true, value: await effect.apply(tx) } : { applied: false });
      }
      return outcomes;
    });
  }
}
