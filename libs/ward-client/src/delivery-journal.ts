/**
 * How far the ward got with one delivery. `stored`: the handler has taken the document into the
 * ward's own system, the 01 report may not be confirmed yet. `reported`: 01 is confirmed too;
 * any later copy of the message is a duplicate and is dropped.
 */
export type JournalState = 'stored' | 'reported';

export interface JournalEntry {
  /** The delivery id, with the business type when it is not "new" (a recall of the same delivery is another entry). */
  key: string;
  deliveryId: string;
  documentId: string;
  state: JournalState;
  /** Message ids this delivery came under (the same on a redelivery). */
  messageIds: string[];
  /** The message id of the 01 report, fixed before the first attempt so a re-send reuses it. */
  arrivedReportId: string;
  /** ISO 8601. */
  updatedAt: string;
}

/** The ward's persistent memory of deliveries it has taken in; what makes duplicates harmless. */
export interface DeliveryJournal {
  get(key: string): JournalEntry | undefined;
  /** The entry a message id was recorded under, if any. */
  byMessageId(messageId: string): JournalEntry | undefined;
  /** Resolves once the entry is durable (on disk for the file journal). */
  put(entry: JournalEntry): Promise<void>;
  close(): Promise<void>;
}

/** A journal in memory: for tests, and for wards that keep their own record elsewhere. */
export class MemoryDeliveryJournal implements DeliveryJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly messages = new Map<string, string>();

  get(key: string): JournalEntry | undefined {
    return this.entries.get(key);
  }

  byMessageId(messageId: string): JournalEntry | undefined {
    const key = this.messages.get(messageId);
    return key === undefined ? undefined : this.entries.get(key);
  }

  async put(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.key, { ...entry, messageIds: [...entry.messageIds] });
    for (const id of entry.messageIds) this.messages.set(id, entry.key);
  }

  async close(): Promise<void> {}
}
