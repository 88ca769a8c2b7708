import { Injectable } from '@nestjs/common';
import type { DescMessage } from '@edoc/contracts';
import type { NewEntry } from '@edoc/audit';
import { Database, GroupCommit, type Tx } from '@edoc/db';
import { Inbox } from '@edoc/messaging';
import { entryForEvent } from '../domain/event-entries';
import { AuditEntriesRepository } from '../repositories/audit-entries.repository';
import { CheckpointService } from './checkpoint.service';

/** An event waiting for its batch: its entry, and the inbox claim that makes a redelivery change nothing. */
interface PendingEvent {
  entry: NewEntry;
  messageId: string;
  consumer: string;
}

/**
 * Appends lifecycle events to the audit chain, each exactly once however often it is delivered.
 * Events handled at the same time go into one transaction (group commit): every append holds the
 * chain's head lock until its commit, so one transaction per event capped the whole archive at
 * what one lock holder after another could commit.
 */
@Injectable()
export class AuditTrailService {
  private readonly batches = new GroupCommit<PendingEvent, boolean>((events) => this.appendBatch(events));

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
    if (await this.batches.submit({ entry, messageId, consumer })) this.checkpoints.nudge();
  }

  /** Appends inside the caller's transaction (which must have claimed its message). */
  append(tx: Tx, entry: NewEntry): Promise<unknown> {
    return this.entries.append(tx, entry);
  }

  /** Whether each event was appended (false: already applied, or given twice in this batch). */
  private appendBatch(events: PendingEvent[]): Promise<boolean[]> {
    return this.db.transaction(async (tx) => {
      const fresh = await this.inbox.claimEach(tx, events);
      await this.entries.appendMany(tx, events.filter((_, index) => fresh[index]).map((event) => event.entry));
      return fresh;
    });
  }
}
