/** Documents of one kind counted by how they travelled. */
export interface MediumCount {
  electronic: number;
  paper: number;
  both: number;
  total: number;
}

/** Incoming deliveries whose receipt the recipient confirmed (01 or 03) the same Vietnam day. */
export interface ReceiptFigures {
  /** Deliveries counted: confirmed the same day, or created on an earlier day than today. */
  deliveries: number;
  confirmedSameDay: number;
  /** Created today and not confirmed yet: the day is not over, so they are not counted yet. */
  pending: number;
  share: number | null;
}

/** Incoming documents with a due date, by whether handling (06) was completed by that date. */
export interface OnTimeFigures {
  /** Decided: handled on time, handled late, or overdue. */
  due: number;
  onTime: number;
  late: number;
  /** Not completed and the due date has passed. */
  overdue: number;
  /** Not completed, due today or later: not decided yet, not counted. */
  pending: number;
  share: number | null;
}

export interface Targets {
  /** Percent of routine documents that travel electronically (the district's plan: 100). */
  electronic: number;
  /** Percent of incoming documents with a due date handled on time (the plan: 95). */
  onTime: number;
  /** Percent of incoming deliveries confirmed the same day (Decision 28/2018: all of them). */
  sameDayReceipt: number;
}

/**
 * Everything the dashboard shows for one unit (or all units) over one period. The counts at the top
 * level are outgoing and incoming together.
 */
export interface Figures extends MediumCount {
  outgoing: MediumCount;
  incoming: MediumCount;
  /** Electronic share of all routine documents in percent; null when there were none (never NaN). */
  electronicShare: number | null;
  receipts: ReceiptFigures;
  onTime: OnTimeFigures;
  /** Whether the electronic share reaches the target; null when there is nothing to measure. */
  meetsElectronicTarget: boolean | null;
}

export interface MediumRow {
  book: 'outgoing' | 'incoming';
  electronic: number;
  paper: number;
  both: number;
}

export interface ReceiptRow {
  confirmedSameDay: number;
  notConfirmed: number;
  pending: number;
}

export interface OnTimeRow {
  onTime: number;
  late: number;
  overdue: number;
  pending: number;
}

/** A share in percent with two decimals, or null for an empty denominator (never NaN or Infinity). */
export function percent(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Math.round((numerator * 10_000) / denominator) / 100;
}

export function mediumCount(rows: readonly Pick<MediumRow, 'electronic' | 'paper' | 'both'>[]): MediumCount {
  const electronic = rows.reduce((sum, row) => sum + row.electronic, 0);
  const paper = rows.reduce((sum, row) => sum + row.paper, 0);
  const both = rows.reduce((sum, row) => sum + row.both, 0);
  return { electronic, paper, both, total: electronic + paper + both };
}

/**
 * Combines the raw counts of one unit (or of all units) into its figures. A document sent on paper
 * as well as electronically ("both") counts against the electronic share: the plan is that the
 * paper copy goes away.
 */
export function computeFigures(media: readonly MediumRow[], receipts: readonly ReceiptRow[], onTime: readonly OnTimeRow[], targets: Targets): Figures {
  const outgoing = mediumCount(media.filter((row) => row.book === 'outgoing'));
  const incoming = mediumCount(media.filter((row) => row.book === 'incoming'));
  const all = mediumCount([outgoing, incoming]);
  const electronicShare = percent(all.electronic, all.total);

  const confirmedSameDay = sum(receipts, 'confirmedSameDay');
  const deliveries = confirmedSameDay + sum(receipts, 'notConfirmed');
  const onTimeCount = sum(onTime, 'onTime');
  const late = sum(onTime, 'late');
  const overdue = sum(onTime, 'overdue');
  const due = onTimeCount + late + overdue;
  return {
    ...all,
    outgoing,
    incoming,
    electronicShare,
    receipts: { deliveries, confirmedSameDay, pending: sum(receipts, 'pending'), share: percent(confirmedSameDay, deliveries) },
    onTime: { due, onTime: onTimeCount, late, overdue, pending: sum(onTime, 'pending'), share: percent(onTimeCount, due) },
    meetsElectronicTarget: electronicShare === null ? null : electronicShare >= targets.electronic,
  };
}

function sum<T>(rows: readonly T[], key: { [K in keyof T]: T[K] extends number ? K : never }[keyof T]): number {
  return rows.reduce((total, row) => total + (row[key] as number), 0);
}

/**
 * Worst first: the lowest electronic share, then the most paper; units with nothing registered
 * last (there is nothing to improve), then by code so the order is stable.
 */
export function worstFirst<T extends { orgCode: string } & Pick<Figures, 'electronicShare' | 'paper' | 'both'>>(a: T, b: T): number {
  const shareA = a.electronicShare ?? Number.POSITIVE_INFINITY;
  const shareB = b.electronicShare ?? Number.POSITIVE_INFINITY;
  if (shareA !== shareB) return shareA - shareB;
  const paperA = a.paper + a.both;
  const paperB = b.paper + b.both;
  if (paperA !== paperB) return paperB - paperA;
  return a.orgCode.localeCompare(b.orgCode);
}
