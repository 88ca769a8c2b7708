import { Injectable, OnModuleInit } from '@nestjs/common';
import { Directory } from '@edoc/directory';
import { UNROUTABLE_ROUTING_KEY } from '@edoc/messaging';
import { edocTopology, GaugeSample, PrometheusRegistry } from '@edoc/runtime';
import type { Figures } from '../domain/figures';
import { ALL_UNITS, CoverageService, FigureTable } from './coverage.service';

/** Prometheus scrapes every few seconds; the figures of the month and year need not be fresher. */
const SNAPSHOT_TTL_MS = 5000;

type Snapshot = { period: 'month' | 'year'; table: FigureTable }[];

/**
 * The coverage figures of the current month and year as Prometheus gauges (ratios 0..1, as
 * Prometheus names them), and the queue figures of the whole exchange: the metrics service
 * watches every queue, including the ward systems' inboxes, whose backlog is their consumer lag.
 */
@Injectable()
export class CoverageGauges implements OnModuleInit {
  private snapshot: { at: number; value: Promise<Snapshot> } | undefined;

  constructor(
    private readonly prometheus: PrometheusRegistry,
    private readonly coverage: CoverageService,
    private readonly directory: Directory,
  ) {}

  onModuleInit(): void {
    // "unroutable" stands for dlq.unroutable, where messages no queue was bound for end up.
    this.prometheus.watchQueues([...edocTopology(this.directory).queues.map((queue) => queue.name), UNROUTABLE_ROUTING_KEY]);
    const targets = this.coverage.targets;
    this.prometheus.registerGauge({
      name: 'edoc_coverage_target_ratio',
      help: 'Targets of the district plan: electronic share, on-time handling, same-day receipt',
      labelNames: ['measure'],
      collect: () => [
        { labels: { measure: 'electronic' }, value: targets.electronic / 100 },
        { labels: { measure: 'on_time' }, value: targets.onTime / 100 },
        { labels: { measure: 'same_day_receipt' }, value: targets.sameDayReceipt / 100 },
      ],
    });
    this.ratioGauge('edoc_coverage_electronic_ratio', 'Electronic share of routine documents registered in the current month or year (absent when none)', (f) => f.electronicShare);
    this.ratioGauge('edoc_coverage_same_day_receipt_ratio', 'Share of incoming deliveries confirmed (01/03) the day they were created', (f) => f.receipts.share);
    this.ratioGauge('edoc_coverage_on_time_ratio', 'Share of incoming documents with a due date in the period handled (06) by that date', (f) => f.onTime.share);
    this.prometheus.registerGauge({
      name: 'edoc_coverage_documents',
      help: 'Routine documents registered in the current month or year, by book and medium',
      labelNames: ['org', 'period', 'book', 'medium'],
      collect: async () =>
        this.samples(await this.current(), (figures, labels) =>
          (['outgoing', 'incoming'] as const).flatMap((book) =>
            (['electronic', 'paper', 'both'] as const).map((medium) => ({ labels: { ...labels, book, medium }, value: figures[book][medium] })),
          ),
        ),
    });
    this.prometheus.registerGauge({
      name: 'edoc_coverage_units_below_target',
      help: 'Units whose electronic share in the current month or year is below the target',
      labelNames: ['period'],
      collect: async () =>
        (await this.current()).map(({ period, table }) => ({
          labels: { period },
          value: table.units.filter((unit) => table.cell('all', unit.orgCode).meetsElectronicTarget === false).length,
        })),
    });
  }

  private ratioGauge(name: string, help: string, pick: (figures: Figures) => number | null): void {
    this.prometheus.registerGauge({
      name,
      help,
      labelNames: ['org', 'period'],
      collect: async () =>
        this.samples(await this.current(), (figures, labels) => {
          const share = pick(figures);
          return share === null ? [] : [{ labels, value: share / 100 }];
        }),
    });
  }

  private samples(snapshot: Snapshot, toSamples: (figures: Figures, labels: { org: string; period: string }) => GaugeSample[]): GaugeSample[] {
    return snapshot.flatMap(({ period, table }) =>
      [ALL_UNITS, ...table.units.map((unit) => unit.orgCode)].flatMap((org) => toSamples(table.cell('all', org), { org, period })),
    );
  }

  private current(): Promise<Snapshot> {
    const now = Date.now();
    if (this.snapshot === undefined || now - this.snapshot.at > SNAPSHOT_TTL_MS) {
      const today = this.coverage.today();
      const value = Promise.all([
        this.coverage.table({ from: `${today.slice(0, 7)}-01`, to: today }, today).then((table) => ({ period: 'month' as const, table })),
        this.coverage.table({ from: `${today.slice(0, 4)}-01-01`, to: today }, today).then((table) => ({ period: 'year' as const, table })),
      ]);
      // A failed computation is not kept: the next scrape tries again.
      value.catch(() => (this.snapshot = undefined));
      this.snapshot = { at: now, value };
    }
    return this.snapshot.value;
  }
}
