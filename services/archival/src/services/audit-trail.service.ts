import { Injectable } from '@nestjs/common';
import type { DescMessage } from '@edoc/contracts';
import type { NewEntry } from '@edoc/audit';
import { Database, GroupCommit, together, type Tx } from '@edoc/db';
import { Inbox, RECORD_BATCH_LINGER_MS } from '@edoc/messaging';
import { entryForEvent } from '../domain/event-entries';
import { AuditEntriesRepository } from '../repositories/audit-entries.repository';
import { CheckpointService } from './checkpoint.service';

/**
 * What makes an entry's append happen once: the inbox claim of the message it records, or a write of
 * the caller's, in the same transaction, that says whether this is the first time (an insert that
 * does nothing on conflict).
 */
type Once = { messageId: string; consumer: string } | ((tx: Tx) => Promise<boolean>);

/** An entry waiting for its batch. */
interface PendingEntry {
  entry: NewEntry;
  once: Once;
}

/**
 * Appends lifecycle events to the audit chain, each exactly once however often it is delivered.
 * Entries handled at the same time go into one transaction (group commit): every append holds the
 * chain's head lock until its commit, so one transaction per event capped the whole archive at
 * what one lock holder after another could commit.
 */
@Injectable()
export class AuditTrailService {
  private readonly batches = new GroupCommit<PendingEntry, boolean>((pending) => this.appendBatch(pending), { lingerMs: RECORD_BATCH_LINGER_MS });

  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly entries: AuditEntriesRepository,
    private readonly checkpoints: CheckpointService,
  ) {}

  /** One event from the bus: the inbox claim and the append commit together, so a redelivery changes nothing. */
  async recordEvent(schema: DescMessage, message: unknown, messageId: string, consumer = 'archival.audit'): Promise<void> {
    // Made before batching: an event that cannot become an entry fails alone.
    const entry = entryForEvent(schema, message, messageId, new Date());
    await this.record(entry, { messageId, consumer });
  }

  /**
   * Appends `entry` with the next batch when `firstTime`, run first in that batch's transaction,
   * says so: the entry and the write it records commit together or not at all. Whether it was appended.
   */
  recordIf(entry: NewEntry, firstTime: (tx: Tx) => Promise<boolean>): Promise<boolean> {
    return this.record(entry, firstTime);
  }

  /** Appends inside the caller's transaction (which must have claimed its message). */
  append(tx: Tx, entry: NewEntry): Promise<unknown> {
    return this.entries.append(tx, entry);
  }

  private async record(entry: NewEntry, once: Once): Promise<boolean> {
    const appended = await this.batches.submit({ entry, once });
    if (appended) this.checkpoints.nudge();
    return appended;
  }

  /** Whether each entry was appended (false: already applied, or given twice in this batch). */
  private appendBatch(pending: PendingEntry[]): Promise<boolean[]> {
    return this.db.transaction(async (tx) => {
      const claims = pending.flatMap(({ once }) => (typeof once === 'function' ? [] : [once]));
      if (claims.length === pending.length) return this.claimAndAppend(tx, pending, claims);
      const claimed = await this.inbox.claimEach(tx, claims);
      let nextClaim = 0;
      const fresh: boolean[] = [];
      // One after another: the callers' writes share the transaction's connection. They run before
      // the chain's lock is taken, so no other instance's append waits on a row they wait for.
      for (const { once } of pending) fresh.push(typeof once === 'function' ? await once(tx) : claimed[nextClaim++]);
      await this.entries.appendMany(tx, pending.filter((_, index) => fresh[index]).map((item) => item.entry));
      return fresh;
    });
  }

  /**
   * A batch of events from the bus alone: the claims and the chain's lock leave together, a round
   * trip fewer (a redelivery, which rarely comes, takes the lock for nothing). Nothing of the
   * transaction is left running when it ends, whichever failed.
   */
  private async claimAndAppend(tx: Tx, pending: PendingEntry[], claims: { messageId: string; consumer: string }[]): Promise<boolean[]> {
    const claimed = this.inbox.claimEach(tx, claims);
    const locked = this.entries.lockChain(tx, pending.map((item) => item.entry));
    const [fresh] = await together(claimed, locked);
    await this.entries.appendMany(tx, pending.filter((_, index) => fresh[index]).map((item) => item.entry), locked);
    return fresh;
  }
}
