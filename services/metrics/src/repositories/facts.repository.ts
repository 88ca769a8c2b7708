import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '@edoc/db';
import type { DateRange } from '../domain/coverage-query';
import type { MediumRow } from '../domain/figures';
import { Granularity, PERIOD_SQL_FORMAT } from '../domain/periods';

export type Book = 'outgoing' | 'incoming';
export type MediumName = 'electronic' | 'paper' | 'both';

export interface RegisterFact {
  entryId: string;
  orgCode: string;
  book: Book;
  medium: MediumName;
  routine: boolean;
  year: number;
  number: number | null;
  documentId: string | null;
  typeCode: string;
  subject: string;
  counterpart: string;
  dueDate: string | null;
  recordedAt: Date;
  localDate: string;
}

/** Counts of one organisation, book and period ("all" when the whole range is one period). */
export interface MediumCountRow extends MediumRow {
  orgCode: string;
  period: string;
}

/** A register entry that did not travel electronically (alone), as the drill-down lists it. */
export interface PaperDocument {
  entryId: string;
  book: Book;
  medium: MediumName;
  year: number;
  number: number | null;
  typeCode: string;
  subject: string;
  counterpart: string;
  recordedAt: string;
  localDate: string;
  documentId: string | null;
}

const COLUMNS = ['entry_id', 'org_code', 'book', 'medium', 'routine', 'year', 'number', 'document_id', 'type_code', 'subject', 'counterpart', 'due_date', 'recorded_at', 'local_date'];
const ARRAY_TYPES = ['uuid', 'text', 'text', 'text', 'boolean', 'integer', 'integer', 'uuid', 'text', 'text', 'text', 'date', 'timestamptz', 'date'];
const BATCH = 1000;

/** Facts the coverage figures are computed from: one per register entry, electronic or paper. */
@Injectable()
export class FactsRepository {
  constructor(private readonly db: Database) {}

  /** New entries in one statement; an entry already counted stays as it was (a redelivery). */
  async insertAll(tx: Queryable, facts: readonly RegisterFact[]): Promise<void> {
    await this.insertMany(tx, facts, 'keep');
  }

  async insertIssued(tx: Queryable, doc: { documentId: string; issuerCode: string; recipients: number; issuedAt: Date }): Promise<void> {
    await tx.query(`INSERT INTO metrics.documents_issued (document_id, issuer_code, recipients, issued_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      doc.documentId, doc.issuerCode, doc.recipients, doc.issuedAt,
    ]);
  }

  /**
   * Replaces the facts of whole register years with `facts` (a rebuild from the registers). Facts
   * recorded at or after `asOf` stay: they came in by event while the registers were being read.
   */
  async replaceYears(tx: Queryable, years: { from: number; to: number }, asOf: Date, facts: readonly RegisterFact[]): Promise<{ removed: number; inserted: number }> {
    const removed = await tx.query(`DELETE FROM metrics.register_facts WHERE year BETWEEN $1 AND $2 AND recorded_at < $3`, [years.from, years.to, asOf]);
    for (let start = 0; start < facts.length; start += BATCH) await this.insertMany(tx, facts.slice(start, start + BATCH), 'overwrite');
    return { removed: removed.rowCount ?? 0, inserted: facts.length };
  }

  /** Routine documents per organisation, book and period by medium, between two Vietnam days inclusive. */
  async countByMedium(range: DateRange, granularity?: Granularity): Promise<MediumCountRow[]> {
    const { rows } = await this.db.query<{ org_code: string; book: Book; period: string; electronic: string; paper: string; both: string }>(
      `SELECT org_code, book, coalesce(to_char(local_date, $3), 'all') AS period,
              count(*) FILTER (WHERE medium = 'electronic') AS electronic,
              count(*) FILTER (WHERE medium = 'paper') AS paper,
              count(*) FILTER (WHERE medium = 'both') AS both
       FROM metrics.register_facts WHERE routine AND local_date BETWEEN $1 AND $2
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [range.from, range.to, granularity === undefined ? null : PERIOD_SQL_FORMAT[granularity]],
    );
    return rows.map((r) => ({ orgCode: r.org_code, book: r.book, period: r.period, electronic: Number(r.electronic), paper: Number(r.paper), both: Number(r.both) }));
  }

  /** The routine documents of one unit registered on paper (or on paper as well), newest first. */
  async paperDocuments(orgCode: string, range: DateRange, limit: number): Promise<PaperDocument[]> {
    const { rows } = await this.db.query<{
      entry_id: string; book: Book; medium: MediumName; year: number; number: number | null; type_code: string; subject: string;
      counterpart: string; recorded_at: Date; local_date: string; document_id: string | null;
    }>(
      `SELECT entry_id, book, medium, year, number, type_code, subject, counterpart, recorded_at, to_char(local_date, 'YYYY-MM-DD') AS local_date, document_id
       FROM metrics.register_facts
       WHERE org_code = $1 AND routine AND medium <> 'electronic' AND local_date BETWEEN $2 AND $3
       ORDER BY recorded_at DESC, entry_id LIMIT $4`,
      [orgCode, range.from, range.to, limit],
    );
    return rows.map((r) => ({
      entryId: r.entry_id, book: r.book, medium: r.medium, year: r.year, number: r.number, typeCode: r.type_code, subject: r.subject,
      counterpart: r.counterpart, recordedAt: r.recorded_at.toISOString(), localDate: r.local_date, documentId: r.document_id,
    }));
  }

  private async insertMany(tx: Queryable, facts: readonly RegisterFact[], onConflict: 'keep' | 'overwrite'): Promise<void> {
    if (facts.length === 0) return;
    const columns: unknown[][] = COLUMNS.map(() => []);
    for (const fact of facts) {
      const values = [
        fact.entryId, fact.orgCode, fact.book, fact.medium, fact.routine, fact.year, fact.number, fact.documentId, fact.typeCode,
        fact.subject, fact.counterpart, fact.dueDate, fact.recordedAt, fact.localDate,
      ];
      values.forEach((value, index) => columns[index].push(value));
    }
    const update = COLUMNS.filter((column) => column !== 'entry_id').map((column) => `${column} = EXCLUDED.${column}`).join(', ');
    await tx.query(
      `INSERT INTO metrics.register_facts (${COLUMNS.join(', ')})
       SELECT * FROM unnest(${ARRAY_TYPES.map((type, index) => `$${index + 1}::${type}[]`).join(', ')})
       ON CONFLICT (entry_id) DO ${onConflict === 'keep' ? 'NOTHING' : `UPDATE SET ${update}`}`,
      columns,
    );
  }
}
