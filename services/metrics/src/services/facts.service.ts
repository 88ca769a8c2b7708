import { Injectable } from '@nestjs/common';
import { DocumentIssued, Medium, RegisterBook, RegisterEntriesRecorded, RegisterEntryRecorded, timestampDate } from '@edoc/contracts';
import { InboxTransactions, PermanentMessageError } from '@edoc/messaging';
import { vietnamDay } from '../domain/vietnam-time';
import { Book, FactsRepository, MediumName, type RegisterFact } from '../repositories/facts.repository';
import { isDayText, isUuid } from '../domain/formats';

const MEDIUM: Partial<Record<Medium, MediumName>> = { [Medium.ELECTRONIC]: 'electronic', [Medium.PAPER]: 'paper', [Medium.BOTH]: 'both' };
const BOOK: Partial<Record<RegisterBook, Book>> = { [RegisterBook.OUTGOING]: 'outgoing', [RegisterBook.INCOMING]: 'incoming' };

/** Turns every register entry and issued document into a fact for the coverage figures. */
@Injectable()
export class FactsService {
  constructor(
    private readonly transactions: InboxTransactions,
    private readonly facts: FactsRepository,
  ) {}

  async onRegistered(event: RegisterEntryRecorded, messageId: string): Promise<void> {
    await this.record([registerFact(event)], messageId, 'metrics.register');
  }

  /** Entries recorded together (a document's arrivals in the built-in inboxes): one transaction for all. */
  async onEntriesRecorded(event: RegisterEntriesRecorded, messageId: string): Promise<void> {
    if (event.entries.length === 0) throw new PermanentMessageError('register.entries_recorded without entries');
    await this.record(event.entries.map(registerFact), messageId, 'metrics.registers');
  }

  private async record(facts: RegisterFact[], messageId: string, consumer: string): Promise<void> {
    await this.transactions.once(consumer, messageId, (tx) => this.facts.insertAll(tx, facts));
  }

  async onIssued(event: DocumentIssued, messageId: string): Promise<void> {
    const metadata = event.metadata;
    if (metadata === undefined) throw new PermanentMessageError('document.issued without metadata');
    const issued = {
      documentId: metadata.documentId,
      issuerCode: metadata.issuerCode,
      recipients: metadata.recipientCodes.length,
      issuedAt: event.issuedAt ? timestampDate(event.issuedAt) : new Date(),
    };
    await this.transactions.once('metrics.issued', messageId, (tx) => this.facts.insertIssued(tx, issued));
  }
}

/** A register entry as metrics counts it; what cannot be counted is refused for good. */
function registerFact(event: RegisterEntryRecorded): RegisterFact {
  const medium = MEDIUM[event.medium];
  const book = BOOK[event.book];
  if (medium === undefined || book === undefined || event.recordedAt === undefined) {
    throw new PermanentMessageError(`register.recorded ${event.entryId} lacks a medium, a book or a time`);
  }
  if (!isUuid(event.entryId)) throw new PermanentMessageError(`register.recorded: entry id "${event.entryId}" is not a UUID`);
  if (event.orgCode === '') throw new PermanentMessageError(`register.recorded ${event.entryId} names no organisation`);
  if (event.documentId !== '' && !isUuid(event.documentId)) throw new PermanentMessageError(`register.recorded ${event.entryId}: document id "${event.documentId}" is not a UUID`);
  if (event.dueDate !== '' && !isDayText(event.dueDate)) throw new PermanentMessageError(`register.recorded ${event.entryId}: due date "${event.dueDate}" is not yyyy-mm-dd`);
  const recordedAt = timestampDate(event.recordedAt);
  const localDate = vietnamDay(recordedAt);
  return {
    entryId: event.entryId,
    orgCode: event.orgCode,
    book,
    medium,
    routine: event.routine,
    year: event.year || Number(localDate.slice(0, 4)),
    number: event.number || null,
    documentId: event.documentId || null,
    typeCode: event.typeCode,
    subject: event.subject,
    counterpart: event.counterpartCode,
    dueDate: event.dueDate || null,
    recordedAt,
    localDate,
  };
}
