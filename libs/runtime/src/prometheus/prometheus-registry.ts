import { Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '@edoc/db';
import { deadLetterQueueName } from '@edoc/messaging';
import { CollectedGaugeSpec, GaugeSample, rowsToSamples, SqlGaugeSpec } from './gauge-samples';
import type { QueueStats, QueueStatsSource } from './queue-stats';

export interface PrometheusRegistryOptions {
  /** Becomes the `service` label of every sample. */
  serviceName: string;
  /** Queues whose depth, consumers and dead letters this service reports (its own, by default). */
  queues: readonly string[];
  queueStats: QueueStatsSource;
  /** Runs the queries of SQL gauges (the service's database). */
  db?: Queryable;
  /** Process metrics of prom-client (CPU, memory, event loop); off in unit tests. */
  processMetrics?: boolean;
}

/** What a message handler knows about a delivery it finished (a subset of EdocMessageContext). */
export interface HandledMessage {
  queue: string;
  type: string;
  timestamp: Date | undefined;
}

/** A Nest microservice server that reports each message it finished (EdocTransport does). */
export interface ProcessingHookTarget {
  setOnProcessingEndHook(hook: (transportId: unknown, context: unknown) => void): void;
}

const COLLECT_ERRORS = 'edoc_metrics_collect_errors_total';
const LAG_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];
const SIGNING_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
/** Three gauges read the same broker figures: one round of queue.declare per scrape is enough. */
const QUEUE_STATS_TTL_MS = 1000;

/**
 * The Prometheus registry of one service: process metrics, the broker's view of the service's
 * queues (depth, consumers, dead letters), how long messages waited before they were handled,
 * and gauges the service registers over its own data. A collector that fails leaves its metric
 * empty and counts the failure, so one broken query never turns a scrape into a 500.
 */
export class PrometheusRegistry {
  readonly registry = new Registry();
  private readonly logger = new Logger('Prometheus');
  private readonly collectErrors: Counter<'metric'>;
  private readonly consumerLag: Histogram<'queue' | 'type'>;
  private readonly refused: Counter<'queue' | 'reason'>;
  private signing: Histogram<'stage'> | undefined;
  private readonly watchedQueues: Set<string>;
  private cachedStats: { at: number; value: Promise<Map<string, QueueStats>> } | undefined;
  private readonly warned = new Set<string>();
  private readonly collecting = new Set<Promise<void>>();

  constructor(private readonly options: PrometheusRegistryOptions) {
    this.registry.setDefaultLabels({ service: options.serviceName });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.watchedQueues = new Set(options.queues);
    this.collectErrors = new Counter({
      name: COLLECT_ERRORS,
      help: 'Scrapes in which a collector of this service failed (its metric was left empty)',
      labelNames: ['metric'],
      registers: [this.registry],
      // prom-client collects all metrics of a scrape concurrently: wait for the collectors started
      // before this one (it is kept last), so a failure shows in the scrape it happened in.
      collect: () => Promise.allSettled([...this.collecting]).then(() => undefined),
    });
    this.consumerLag = new Histogram({
      name: 'edoc_consumer_lag_seconds',
      help: 'Time from publication of a message to the end of its handling by this service',
      labelNames: ['queue', 'type'],
      buckets: LAG_BUCKETS,
      registers: [this.registry],
    });
    this.refused = new Counter({
      name: 'edoc_messages_rejected_total',
      help: 'Messages refused before any handler saw them, by queue and reason: type_not_accepted and wrong_publisher breach the message contract (forgery or misconfiguration), malformed, unknown_type and no_handler are broken messages',
      labelNames: ['queue', 'reason'],
      registers: [this.registry],
    });
    // Zero from the start for the breaches of the contract, so that an alert on increase() fires on the first one.
    for (const queue of options.queues) for (const reason of ['type_not_accepted', 'wrong_publisher']) this.refused.inc({ queue, reason }, 0);
    this.registerQueueGauges();
  }

  /** Counts a message the transport refused (`reason` is one of a few fixed kinds, never the free text). */
  countRefusal(queue: string, reason: string): void {
    this.refused.inc({ queue, reason });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text for a scrape. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Adds queues to report beyond the service's own (the metrics service watches all of them). */
  watchQueues(queues: readonly string[]): void {
    for (const queue of queues) this.watchedQueues.add(queue);
  }

  /** Registers a gauge whose samples `collect` returns at each scrape. */
  registerGauge(spec: CollectedGaugeSpec): Gauge<string> {
    const labelNames = [...(spec.labelNames ?? [])];
    const guard = (name: string, collect: () => Promise<void>) => this.guarded(name, collect);
    const gauge = new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await guard(spec.name, async () => {
          let samples: GaugeSample[];
          try {
            samples = await spec.collect();
          } catch (error) {
            // Stale values must not outlive a failed collection: the metric is left empty instead
            // (NaN, Prometheus's "no value", where a gauge without labels always has one sample).
            this.reset();
            if (labelNames.length === 0) this.set(Number.NaN);
            throw error;
          }
          this.reset();
          for (const sample of samples) setSample(this, sample);
        });
      },
    });
    this.keepErrorCounterLast();
    return gauge;
  }

  /** Registers a gauge computed by one SQL query on the service's database (see SqlGaugeSpec). */
  registerSqlGauge(spec: SqlGaugeSpec): Gauge<string> {
    const db = this.options.db;
    if (db === undefined) throw new Error(`gauge ${spec.name}: this registry has no database to query`);
    return this.registerGauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      collect: async () => rowsToSamples(spec, (await db.query(spec.sql, spec.params)).rows),
    });
  }

  /** Seconds spent signing, per stage ("person", "organisation", "timestamp"); created on first use. */
  signingDuration(): Histogram<'stage'> {
    this.signing ??= new Histogram({
      name: 'edoc_signing_duration_seconds',
      help: 'Time taken to apply one signature, per stage',
      labelNames: ['stage'],
      buckets: SIGNING_BUCKETS,
      registers: [this.registry],
    });
    return this.signing;
  }

  /** Records how long a handled message waited since it was published (AMQP timestamp, whole seconds). */
  observeHandled(message: HandledMessage, now: Date = new Date()): void {
    if (message.timestamp === undefined) return;
    const seconds = Math.max(0, (now.getTime() - message.timestamp.getTime()) / 1000);
    this.consumerLag.observe({ queue: message.queue, type: message.type }, seconds);
  }

  /** Hooks the consumer lag histogram into a transport: call once, where the transport is created. */
  instrumentTransport(server: ProcessingHookTarget): void {
    server.setOnProcessingEndHook((_transportId, context) => {
      if (isHandledMessage(context)) this.observeHandled(context);
    });
  }

  private registerQueueGauges(): void {
    const gauge = (name: string, help: string, pick: (queue: string, stats: Map<string, QueueStats>) => number | undefined) =>
      this.registerGauge({
        name,
        help,
        labelNames: ['queue'],
        collect: async () => {
          const stats = await this.queueStats();
          const samples: GaugeSample[] = [];
          for (const queue of [...this.watchedQueues].sort()) {
            const value = pick(queue, stats);
            if (value !== undefined) samples.push({ labels: { queue }, value });
          }
          return samples;
        },
      });
    gauge('edoc_queue_messages', 'Messages waiting in the queue, ready for delivery (queue depth)', (queue, stats) => stats.get(queue)?.messages);
    gauge('edoc_queue_consumers', 'Consumers attached to the queue', (queue, stats) => stats.get(queue)?.consumers);
    gauge('edoc_dead_letters', 'Messages in the dead-letter queue of the queue (dlq.<queue>)', (queue, stats) => stats.get(deadLetterQueueName(queue))?.messages);
  }

  private queueStats(): Promise<Map<string, QueueStats>> {
    const now = Date.now();
    if (this.cachedStats === undefined || now - this.cachedStats.at > QUEUE_STATS_TTL_MS) {
      const queues = [...this.watchedQueues].flatMap((queue) => [queue, deadLetterQueueName(queue)]);
      this.cachedStats = { at: now, value: this.options.queueStats.stats(queues) };
    }
    return this.cachedStats.value;
  }

  /** Metrics are written in registration order: the failures of this scrape's collectors show in this scrape. */
  private keepErrorCounterLast(): void {
    this.registry.removeSingleMetric(COLLECT_ERRORS);
    this.registry.registerMetric(this.collectErrors);
  }

  private guarded(metric: string, collect: () => Promise<void>): Promise<void> {
    const running = this.runGuarded(metric, collect);
    this.collecting.add(running);
    return running.finally(() => this.collecting.delete(running));
  }

  private async runGuarded(metric: string, collect: () => Promise<void>): Promise<void> {
    try {
      await collect();
    } catch (error) {
      this.collectErrors.inc({ metric });
      if (!this.warned.has(metric)) {
        this.warned.add(metric);
        this.logger.warn(`collecting ${metric} failed (further failures are only counted): ${(error as Error).message}`);
      }
    }
  }
}

function setSample(gauge: Gauge<string>, sample: GaugeSample): void {
  if (!Number.isFinite(sample.value)) return;
  if (sample.labels === undefined || Object.keys(sample.labels).length === 0) gauge.set(sample.value);
  else gauge.set(sample.labels, sample.value);
}

function isHandledMessage(value: unknown): value is HandledMessage {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<HandledMessage>;
  return typeof candidate.queue === 'string' && typeof candidate.type === 'string';
}
