import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '@edoc/db';
import type { DateRange } from '../domain/coverage-query';
import type { OnTimeRow, ReceiptRow } from '../domain/figures';
import { Granularity, PERIOD_SQL_FORMAT } from '../domain/periods';
import { VIETNAM_ZONE } from '../domain/vietnam-time';

export interface DeliveryCreatedFact {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  recipientCode: string;
  channel: string;
  createdAt: Date;
  createdDate: string;
  dueDate: string | null;
}

export interface DeliveryStatusFact {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  recipientCode: string;
  status: number;
  sequence: number;
  /** Set when the recipient reported 01 or 03: the receipt. */
  receiptAt: Date | null;
  /** Set when the recipient reported 06: handling completed. */
  completedAt: Date | null;
}

/** A whole delivery, as a rebuild writes it. */
export interface DeliveryFact extends DeliveryCreatedFact {
  firstReceiptAt: Date | null;
  completedAt: Date | null;
  lastStatus: number | null;
  lastSequence: number;
}

/** Rows per INSERT of a rebuild. */
const BATCH = 5_000;

export interface ReceiptCountRow extends ReceiptRow {
  orgCode: string;
  period: string;
}

export interface OnTimeCountRow extends OnTimeRow {
  orgCode: string;
  period: string;
}

/** Statuses after which a delivery is no longer the recipient's to handle: refused (02), taken back (14). */
const CLOSED_STATUSES = [2, 14];

/** One row per delivery, for same-day receipts and on-time handling. */
@Injectable()
export class DeliveryFactsRepository {
  constructor(private readonly db: Database) {}

  /** Several deliveries in one statement (a document's recipients arrive together). */
  async recordCreated(tx: Queryable, facts: DeliveryCreatedFact[]): Promise<void> {
    if (facts.length === 0) return;
    const column = <K extends keyof DeliveryCreatedFact>(key: K) => facts.map((fact) => fact[key]);
    await tx.query(
      `INSERT INTO metrics.delivery_facts (delivery_id, document_id, sender_code, recipient_code, channel, created_at, created_date, due_date)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::date[], $8::date[])
       ON CONFLICT (delivery_id) DO UPDATE SET document_id = EXCLUDED.document_id, sender_code = EXCLUDED.sender_code,
         recipient_code = EXCLUDED.recipient_code, channel = EXCLUDED.channel, created_at = EXCLUDED.created_at,
         created_date = EXCLUDED.created_date, due_date = EXCLUDED.due_date, updated_at = now()`,
      [column('deliveryId'), column('documentId'), column('senderCode'), column('recipientCode'), column('channel'), column('createdAt'), column('createdDate'), column('dueDate')],
    );
  }

  /**
   * Status events may arrive in any order: the earliest receipt and completion win, the newest
   * status stays. Several facts go in one statement, merged by delivery first.
   */
  async recordStatuses(tx: Queryable, facts: readonly DeliveryStatusFact[]): Promise<void> {
    const merged = [...mergeByDelivery(facts).values()].sort((a, b) => (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0));
    const column = <T>(pick: (f: DeliveryStatusFact) => T) => merged.map(pick);
    await tx.query(
      `INSERT INTO metrics.delivery_facts AS d (delivery_id, document_id, sender_code, recipient_code, first_receipt_at, completed_at, last_status, last_sequence)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::smallint[], $8::bigint[])
       ON CONFLICT (delivery_id) DO UPDATE SET
         first_receipt_at = LEAST(d.first_receipt_at, EXCLUDED.first_receipt_at),
         completed_at = LEAST(d.completed_at, EXCLUDED.completed_at),
         last_status = CASE WHEN EXCLUDED.last_sequence > d.last_sequence THEN EXCLUDED.last_status ELSE d.last_status END,
         last_sequence = GREATEST(d.last_sequence, EXCLUDED.last_sequence),
         updated_at = now()`,
      [
        column((f) => f.deliveryId), column((f) => f.documentId || null), column((f) => f.senderCode), column((f) => f.recipientCode),
        column((f) => f.receiptAt), column((f) => f.completedAt), column((f) => f.status), column((f) => f.sequence),
      ],
    );
  }

  /**
   * Replaces the facts of the deliveries created in whole years with `facts` (a rebuild from
   * intake's deliveries). Facts changed by an event at or after `asOf` are merged, not replaced:
   * the earliest receipt and completion and the newest status win, as for events.
   */
  async replaceYears(tx: Queryable, years: { from: number; to: number }, asOf: Date, facts: readonly DeliveryFact[]): Promise<{ removed: number; inserted: number }> {
    const removed = await tx.query(`DELETE FROM metrics.delivery_facts WHERE created_date BETWEEN $1 AND $2 AND updated_at < $3`, [
      `${years.from}-01-01`, `${years.to}-12-31`, asOf,
    ]);
    for (let start = 0; start < facts.length; start += BATCH) {
      const batch = facts.slice(start, start + BATCH);
      const column = <K extends keyof DeliveryFact>(key: K) => batch.map((fact) => fact[key]);
      await tx.query(
        `INSERT INTO metrics.delivery_facts AS d (delivery_id, document_id, sender_code, recipient_code, channel, created_at, created_date, due_date,
                                                first_receipt_at, completed_at, last_status, last_sequence)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::date[], $8::date[],
                              $9::timestamptz[], $10::timestamptz[], $11::smallint[], $12::bigint[])
         ON CONFLICT (delivery_id) DO UPDATE SET
           created_at = EXCLUDED.created_at, created_date = EXCLUDED.created_date, due_date = EXCLUDED.due_date, channel = EXCLUDED.channel,
           first_receipt_at = LEAST(d.first_receipt_at, EXCLUDED.first_receipt_at),
           completed_at = LEAST(d.completed_at, EXCLUDED.completed_at),
           last_status = CASE WHEN EXCLUDED.last_sequence > d.last_sequence THEN EXCLUDED.last_status ELSE d.last_status END,
           last_sequence = GREATEST(d.last_sequence, EXCLUDED.last_sequence)`,
        [
          column('deliveryId'), column('documentId'), column('senderCode'), column('recipientCode'), column('channel'), column('createdAt'),
          column('createdDate'), column('dueDate'), column('firstReceiptAt'), column('completedAt'), column('lastStatus'), column('lastSequence'),
        ],
      );
    }
    return { removed: removed.rowCount ?? 0, inserted: facts.length };
  }

  /**
   * Deliveries per recipient and period of creation: confirmed the same Vietnam day, not confirmed
   * (the day is over), or still pending (created today, the day is not over).
   */
  async receiptCounts(range: DateRange, today: string, granularity?: Granularity): Promise<ReceiptCountRow[]> {
    const { rows } = await this.db.query<{ org_code: string; period: string; same_day: string; not_confirmed: string; pending: string }>(
      `SELECT recipient_code AS org_code, coalesce(to_char(created_date, $4), 'all') AS period,
              count(*) FILTER (WHERE receipt_date <= created_date) AS same_day,
              count(*) FILTER (WHERE (receipt_date IS NULL OR receipt_date > created_date) AND created_date < $3) AS not_confirmed,
              count(*) FILTER (WHERE (receipt_date IS NULL OR receipt_date > created_date) AND created_date >= $3) AS pending
       FROM (SELECT recipient_code, created_date, (first_receipt_at AT TIME ZONE '${VIETNAM_ZONE}')::date AS receipt_date
             FROM metrics.delivery_facts WHERE created_date BETWEEN $1 AND $2) d
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [range.from, range.to, today, granularity === undefined ? null : PERIOD_SQL_FORMAT[granularity]],
    );
    return rows.map((r) => ({ orgCode: r.org_code, period: r.period, confirmedSameDay: Number(r.same_day), notConfirmed: Number(r.not_confirmed), pending: Number(r.pending) }));
  }

  /**
   * Incoming documents with a due date in the range, per recipient and period of the due date:
   * completed (06) by the due date, completed later, overdue, or not due yet. Refused and
   * taken-back deliveries are not the recipient's to handle and are left out.
   */
  async onTimeCounts(range: DateRange, today: string, granularity?: Granularity): Promise<OnTimeCountRow[]> {
    const { rows } = await this.db.query<{ org_code: string; period: string; on_time: string; late: string; overdue: string; pending: string }>(
      `SELECT recipient_code AS org_code, coalesce(to_char(due_date, $4), 'all') AS period,
              count(*) FILTER (WHERE completed_date <= due_date) AS on_time,
              count(*) FILTER (WHERE completed_date > due_date) AS late,
              count(*) FILTER (WHERE completed_date IS NULL AND due_date < $3) AS overdue,
              count(*) FILTER (WHERE completed_date IS NULL AND due_date >= $3) AS pending
       FROM (SELECT recipient_code, due_date, (completed_at AT TIME ZONE '${VIETNAM_ZONE}')::date AS completed_date
             FROM metrics.delivery_facts
             WHERE due_date BETWEEN $1 AND $2 AND created_at IS NOT NULL AND (last_status IS NULL OR last_status <> ALL ($5::smallint[]))) d
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [range.from, range.to, today, granularity === undefined ? null : PERIOD_SQL_FORMAT[granularity], CLOSED_STATUSES],
    );
    return rows.map((r) => ({ orgCode: r.org_code, period: r.period, onTime: Number(r.on_time), late: Number(r.late), overdue: Number(r.overdue), pending: Number(r.pending) }));
  }
}

/** One fact per delivery, as the statement would leave it had they come one by one. */
function mergeByDelivery(facts: readonly DeliveryStatusFact[]): Map<string, DeliveryStatusFact> {
  const earliest = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a <= b ? a : b);
  const merged = new Map<string, DeliveryStatusFact>();
  for (const fact of facts) {
    const seen = merged.get(fact.deliveryId);
    if (seen === undefined) {
      merged.set(fact.deliveryId, fact);
      continue;
    }
    const newer = fact.sequence > seen.sequence ? fact : seen;
    merged.set(fact.deliveryId, { ...newer, receiptAt: earliest(seen.receiptAt, fact.receiptAt), completedAt: earliest(seen.completedAt, fact.completedAt) });
  }
  return merged;
}
