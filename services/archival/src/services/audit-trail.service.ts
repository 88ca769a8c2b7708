import { Injectable } from '@nestjs/common';
import type { DescMessage } from '@edoc/contracts';
import type { NewEntry } from '@edoc/audit';
import { Database, type Tx } from '@edoc/db';
import { Inbox } from '@edoc/messaging';
import { entryForEvent } from '../domain/event-entries';
import { AuditEntriesRepository } from '../repositories/audit-entries.repository';
import { CheckpointService } from './checkpoint.service';

/** Appends lifecycle events to the audit chain, each exactly once however often it is delivered. */
@Injectable()
export class AuditTrailService {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly entries: AuditEntriesRepository,
    private readonly checkpoints: CheckpointService,
  ) {}

  /** One event from the bus: the inbox claim and the append commit together, so a redelivery changes nothing. */
  async recordEvent(schema: DescMessage, message: unknown, messageId: string, consumer = 'archival.audit'): Promise<void> {
    const appended = await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, consumer))) return false;
      await this.append(tx, entryForEvent(schema, message, messageId, new Date()));
      return true;
    });
    if (appended) this.checkpoints.nudge();
  }

  /** Appends inside the caller's transaction (which must have claimed its message). */
  append(tx: Tx, entry: NewEntry): Promise<unknown> {
    return this.entries.append(tx, entry);
  }
}
