import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database, Queryable } from '@edoc/db';

export type RegisterBook = 'outgoing' | 'incoming';
export type RegisterSeries = 'normal' | 'legal';
export type Medium = 'electronic' | 'paper' | 'both';

export interface NewRegisterEntry {
  orgCode: string;
  book: RegisterBook;
  year: number;
  series: RegisterSeries;
  number: number;
  medium: Medium;
  documentId?: string;
  deliveryId?: string;
  numberNotation: string;
  documentDate?: string;
  typeCode: string;
  subject: string;
  counterpart: string;
  signer?: string;
  handler?: string;
  dueDate?: string;
  copies?: number;
  notes?: string;
  recordedAt: Date;
}

export interface RegisterEntry extends NewRegisterEntry {
  entryId: string;
}

interface EntryRow {
  entry_id: string;
  org_code: string;
  book: RegisterBook;
  year: number;
  series: RegisterSeries;
  number: number;
  medium: Medium;
  document_id: string | null;
  delivery_id: string | null;
  number_notation: string;
  document_date: string | null;
  type_code: string;
  subject: string;
  counterpart: string;
  signer: string;
  handler: string;
  due_date: string | null;
  copies: number | null;
  notes: string;
  recorded_at: Date;
}

function toEntry(row: EntryRow): RegisterEntry {
  return {
    entryId: row.entry_id,
    orgCode: row.org_code,
    book: row.book,
    year: row.year,
    series: row.series,
    number: row.number,
    medium: row.medium,
    documentId: row.document_id ?? undefined,
    deliveryId: row.delivery_id ?? undefined,
    numberNotation: row.number_notation,
    documentDate: row.document_date ?? undefined,
    typeCode: row.type_code,
    subject: row.subject,
    counterpart: row.counterpart,
    signer: row.signer,
    handler: row.handler,
    dueDate: row.due_date ?? undefined,
    copies: row.copies ?? undefined,
    notes: row.notes,
    recordedAt: row.recorded_at,
  };
}

/** The books (sổ đăng ký) of every organisation, and the counters that number them. */
@Injectable()
export class RegistersRepository {
  constructor(private readonly db: Database) {}

  /**
   * The next number of a series. The counter row stays locked until the caller's transaction
   * ends, so concurrent clerks queue here; if the transaction rolls back, so does the number:
   * no duplicates and no gaps.
   */
  async takeNextNumber(tx: Queryable, orgCode: string, book: RegisterBook, year: number, series: RegisterSeries): Promise<number> {
    return (await this.takeNumbers(tx, [orgCode], book, year, series))[0] as number;
  }

  /**
   * Numbers of the same book in several organisations' registers, in one statement, one per code
   * given and in that order: a code named twice (two documents arriving at one ward in the same
   * transaction) takes two consecutive numbers. Each counter moves once, by how many it gives, and
   * the counters are taken in code order, as every caller does, so two callers never deadlock.
   */
  async takeNumbers(tx: Queryable, orgCodes: readonly string[], book: RegisterBook, year: number, series: RegisterSeries): Promise<number[]> {
    const counts = new Map<string, number>();
    for (const code of orgCodes) counts.set(code, (counts.get(code) ?? 0) + 1);
    const codes = [...counts.keys()].sort();
    const { rows } = await tx.query<{ org_code: string; last_number: number }>(
      `INSERT INTO intake.register_counters (org_code, book, year, series, last_number)
       SELECT code, $2, $3, $4, taken FROM unnest($1::text[], $5::int[]) WITH ORDINALITY AS c(code, taken, position) ORDER BY position
       ON CONFLICT (org_code, book, year, series) DO UPDATE SET last_number = intake.register_counters.last_number + EXCLUDED.last_number
       RETURNING org_code, last_number`,
      [codes, book, year, series, codes.map((code) => counts.get(code))],
    );
    const next = new Map(rows.map((row) => [row.org_code, row.last_number - (counts.get(row.org_code) as number) + 1]));
    return orgCodes.map((code) => {
      const number = next.get(code) as number;
      next.set(code, number + 1);
      return number;
    });
  }

  async insert(tx: Queryable, entry: NewRegisterEntry): Promise<RegisterEntry> {
    return (await this.insertAll(tx, [entry]))[0] as RegisterEntry;
  }

  /**
   * Several entries in one statement; returns them with their ids, in order. An entry may bring its
   * id, so that a statement about it can be sent before this one has returned.
   */
  async insertAll(tx: Queryable, entries: readonly (NewRegisterEntry & { entryId?: string })[]): Promise<RegisterEntry[]> {
    const stored = entries.map((entry) => ({ ...entry, entryId: entry.entryId ?? randomUUID() }));
    const column = <T>(pick: (entry: RegisterEntry) => T) => stored.map(pick);
    await tx.query(
      `INSERT INTO intake.register_entries (entry_id, org_code, book, year, series, number, medium, document_id, delivery_id, number_notation,
         document_date, type_code, subject, counterpart, signer, handler, due_date, copies, notes, recorded_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[], $8::uuid[], $9::uuid[], $10::text[],
         $11::date[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::date[], $18::int[], $19::text[], $20::timestamptz[])`,
      [
        column((e) => e.entryId), column((e) => e.orgCode), column((e) => e.book), column((e) => e.year), column((e) => e.series), column((e) => e.number),
        column((e) => e.medium), column((e) => e.documentId ?? null), column((e) => e.deliveryId ?? null), column((e) => e.numberNotation),
        column((e) => e.documentDate || null), column((e) => e.typeCode), column((e) => e.subject), column((e) => e.counterpart), column((e) => e.signer ?? ''),
        column((e) => e.handler ?? ''), column((e) => e.dueDate || null), column((e) => e.copies ?? null), column((e) => e.notes ?? ''), column((e) => e.recordedAt),
      ],
    );
    return stored;
  }

  /** Entries of one book and year, for one organisation or (orgCode undefined) all of them, in register order. */
  async list(query: { orgCode?: string; book: RegisterBook; year: number; medium?: Medium; limit?: number }): Promise<RegisterEntry[]> {
    const { rows } = await this.db.query<EntryRow>(
      `SELECT entry_id, org_code, book, year, series, number, medium, document_id, delivery_id, number_notation,
              to_char(document_date, 'YYYY-MM-DD') AS document_date, type_code, subject, counterpart, signer, handler,
              to_char(due_date, 'YYYY-MM-DD') AS due_date, copies, notes, recorded_at
       FROM intake.register_entries
       WHERE ($1::text IS NULL OR org_code = $1) AND book = $2 AND year = $3 AND ($4::text IS NULL OR medium = $4)
       ORDER BY org_code, series, number LIMIT $5`,
      [query.orgCode ?? null, query.book, query.year, query.medium ?? null, query.limit ?? 100_000],
    );
    return rows.map(toEntry);
  }

  /**
   * The follow-up book (sổ theo dõi giải quyết): incoming documents with a deadline, how far their
   * handling went (the built-in inbox status) and the outgoing reply that answers them, if any.
   */
  async followUp(orgCode: string, year: number): Promise<FollowUpRow[]> {
    const { rows } = await this.db.query<{
      entry_id: string; number: number; number_notation: string; subject: string; counterpart: string; handler: string;
      due_date: string; status: number | null; reply: string | null; medium: Medium; notes: string;
    }>(
      `SELECT e.entry_id, e.number, e.number_notation, e.subject, e.counterpart, e.handler, to_char(e.due_date, 'YYYY-MM-DD') AS due_date,
              d.status, e.medium, e.notes,
              (SELECT r.number_notation FROM intake.documents doc JOIN intake.register_entries r ON r.document_id = doc.document_id AND r.book = 'outgoing'
                 WHERE doc.issuer_code = e.org_code AND d.metadata IS NOT NULL AND doc.metadata->>'responseFor' = d.metadata->>'edxmlDocumentId'
                 ORDER BY r.recorded_at LIMIT 1) AS reply
       FROM intake.register_entries e LEFT JOIN intake.deliveries d ON d.delivery_id = e.delivery_id
       WHERE e.org_code = $1 AND e.book = 'incoming' AND e.year = $2 AND e.due_date IS NOT NULL
       ORDER BY e.due_date, e.number`,
      [orgCode, year],
    );
    return rows.map((r) => ({
      entryId: r.entry_id, arrivalNumber: r.number, numberNotation: r.number_notation, subject: r.subject, author: r.counterpart, handler: r.handler,
      dueDate: r.due_date, status: r.status, reply: r.reply, medium: r.medium, notes: r.notes,
    }));
  }
}

export interface FollowUpRow {
  entryId: string;
  arrivalNumber: number;
  numberNotation: string;
  subject: string;
  author: string;
  handler: string;
  dueDate: string;
  /** The delivery's status for an electronic document; null for paper or before any report. */
  status: number | null;
  reply: string | null;
  medium: Medium;
  notes: string;
}

