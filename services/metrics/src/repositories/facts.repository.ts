import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '@edoc/db';

export interface RegisterFact {
  entryId: string;
  orgCode: string;
  book: 'outgoing' | 'incoming';
  medium: 'electronic' | 'paper' | 'both';
  routine: boolean;
  documentId: string | null;
  typeCode: string;
  dueDate: string | null;
  recordedAt: Date;
  localDate: string;
}

export interface MediumCounts {
  orgCode: string;
  book: 'outgoing' | 'incoming';
  electronic: number;
  paper: number;
  both: number;
}

/** Facts the coverage figures are computed from: one per register entry, electronic or paper. */
@Injectable()
export class FactsRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Queryable, fact: RegisterFact): Promise<void> {
    await tx.query(
      `INSERT INTO metrics.register_facts (entry_id, org_code, book, medium, routine, document_id, type_code, due_date, recorded_at, local_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (entry_id) DO NOTHING`,
      [fact.entryId, fact.orgCode, fact.book, fact.medium, fact.routine, fact.documentId, fact.typeCode, fact.dueDate, fact.recordedAt, fact.localDate],
    );
  }

  async insertIssued(tx: Queryable, doc: { documentId: string; issuerCode: string; recipients: number; issuedAt: Date }): Promise<void> {
    await tx.query(`INSERT INTO metrics.documents_issued (document_id, issuer_code, recipients, issued_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      doc.documentId, doc.issuerCode, doc.recipients, doc.issuedAt,
    ]);
  }

  /** Routine documents per organisation and book by medium, between two Vietnam dates inclusive. */
  async countByMedium(from: string, to: string): Promise<MediumCounts[]> {
    const { rows } = await this.db.query<{ org_code: string; book: 'outgoing' | 'incoming'; electronic: string; paper: string; both: string }>(
      `SELECT org_code, book,
              count(*) FILTER (WHERE medium = 'electronic') AS electronic,
              count(*) FILTER (WHERE medium = 'paper') AS paper,
              count(*) FILTER (WHERE medium = 'both') AS both
       FROM metrics.register_facts WHERE routine AND local_date BETWEEN $1 AND $2 GROUP BY org_code, book ORDER BY org_code, book`,
      [from, to],
    );
    return rows.map((r) => ({ orgCode: r.org_code, book: r.book, electronic: Number(r.electronic), paper: Number(r.paper), both: Number(r.both) }));
  }
}
