import { Injectable } from '@nestjs/common';
import { DocumentIssued, Medium, RegisterBook, RegisterEntryRecorded, timestampDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import { FactsRepository } from '../repositories/facts.repository';

const MEDIUM: Partial<Record<Medium, 'electronic' | 'paper' | 'both'>> = { [Medium.ELECTRONIC]: 'electronic', [Medium.PAPER]: 'paper', [Medium.BOTH]: 'both' };
const BOOK: Partial<Record<RegisterBook, 'outgoing' | 'incoming'>> = { [RegisterBook.OUTGOING]: 'outgoing', [RegisterBook.INCOMING]: 'incoming' };

/** Vietnam date (UTC+7, no daylight saving) of an instant: the day a document counts for. */
export function vietnamDay(instant: Date): string {
  return new Date(instant.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** Turns every register entry and issued document into a fact for the coverage figures. */
@Injectable()
export class FactsService {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly facts: FactsRepository,
  ) {}

  async onRegistered(event: RegisterEntryRecorded, messageId: string): Promise<void> {
    const medium = MEDIUM[event.medium];
    const book = BOOK[event.book];
    if (medium === undefined || book === undefined || event.recordedAt === undefined) {
      throw new PermanentMessageError(`register.recorded ${event.entryId} lacks a medium, a book or a time`);
    }
    const recordedAt = timestampDate(event.recordedAt);
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'metrics.register'))) return;
      await this.facts.insert(tx, {
        entryId: event.entryId,
        orgCode: event.orgCode,
        book,
        medium,
        routine: event.routine,
        documentId: event.documentId || null,
        typeCode: event.typeCode,
        dueDate: event.dueDate || null,
        recordedAt,
        localDate: vietnamDay(recordedAt),
      });
    });
  }

  async onIssued(event: DocumentIssued, messageId: string): Promise<void> {
    const metadata = event.metadata;
    if (metadata === undefined) throw new PermanentMessageError('document.issued without metadata');
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'metrics.issued'))) return;
      await this.facts.insertIssued(tx, {
        documentId: metadata.documentId,
        issuerCode: metadata.issuerCode,
        recipients: metadata.recipientCodes.length,
        issuedAt: event.issuedAt ? timestampDate(event.issuedAt) : new Date(),
      });
    });
  }
}
