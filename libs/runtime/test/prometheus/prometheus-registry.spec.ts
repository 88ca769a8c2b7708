import type { Queryable } from '@edoc/db';
import { EdocMessageContext, EdocTransport } from '@edoc/messaging';
import { PrometheusRegistry, QueueStats, QueueStatsSource, rowsToSamples } from '@edoc/runtime';

class FakeQueues implements QueueStatsSource {
  calls = 0;
  constructor(private readonly figures: Record<string, QueueStats>) {}
  async stats(queues: readonly string[]): Promise<Map<string, QueueStats>> {
    this.calls++;
    return new Map(queues.filter((q) => q in this.figures).map((q) => [q, this.figures[q]]));
  }
}

function registry(queues: QueueStatsSource, db?: Queryable): PrometheusRegistry {
  return new PrometheusRegistry({ serviceName: 'intake', queues: ['intake.events', 'intake.inbox'], queueStats: queues, db, processMetrics: false });
}

/** The value of the sample `name{labels}` in an exposition text, whatever the order of its labels. */
function sample(text: string, series: string): number | undefined {
  const parse = (labels: string) => new Set(labels.split(/,(?=[a-z_]+=")/).filter(Boolean));
  const [name, labelText] = /^([^{]+)\{(.*)\}$/.exec(series)?.slice(1) ?? [series, ''];
  const wanted = parse(labelText);
  for (const line of text.split('\n')) {
    const match = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const labels = parse(match[2] ?? '');
    if (labels.size === wanted.size && [...wanted].every((label) => labels.has(label))) return Number(match[3]);
  }
  return undefined;
}

describe('PrometheusRegistry', () => {
  it("reports the depth, consumers and dead letters of the service's queues, reading the broker once per scrape", async () => {
    const queues = new FakeQueues({ 'intake.events': { messages: 7, consumers: 1 }, 'dlq.intake.events': { messages: 2, consumers: 0 }, 'intake.inbox': { messages: 0, consumers: 2 } });
    const text = await registry(queues).metrics();
    expect(sample(text, 'edoc_queue_messages{queue="intake.events",service="intake"}')).toBe(7);
    expect(sample(text, 'edoc_queue_consumers{queue="intake.inbox",service="intake"}')).toBe(2);
    expect(sample(text, 'edoc_dead_letters{queue="intake.events",service="intake"}')).toBe(2);
    // No dead-letter queue for intake.inbox: no sample rather than a made-up zero.
    expect(sample(text, 'edoc_dead_letters{queue="intake.inbox",service="intake"}')).toBeUndefined();
    expect(queues.calls).toBe(1);
  });

  it('adds queues to watch', async () => {
    const prometheus = registry(new FakeQueues({ 'inbox.000.32.13.H26': { messages: 4, consumers: 0 } }));
    prometheus.watchQueues(['inbox.000.32.13.H26']);
    expect(sample(await prometheus.metrics(), 'edoc_queue_messages{queue="inbox.000.32.13.H26",service="intake"}')).toBe(4);
  });

  it('serves gauges computed by SQL, with zero rows dropped between scrapes', async () => {
    let rows = [{ state: 'issued', value: '3' }, { state: 'failed', value: 1 }];
    const db: Queryable = { query: (async () => ({ rows })) as unknown as Queryable['query'] };
    const prometheus = registry(new FakeQueues({}), db);
    prometheus.registerSqlGauge({ name: 'edoc_documents', help: 'Documents per state', labelNames: ['state'], sql: 'SELECT state, count(*) AS value FROM intake.documents GROUP BY state' });
    let text = await prometheus.metrics();
    expect(sample(text, 'edoc_documents{state="issued",service="intake"}')).toBe(3);
    expect(sample(text, 'edoc_documents{state="failed",service="intake"}')).toBe(1);
    rows = [{ state: 'issued', value: '4' }];
    text = await prometheus.metrics();
    expect(sample(text, 'edoc_documents{state="issued",service="intake"}')).toBe(4);
    expect(sample(text, 'edoc_documents{state="failed",service="intake"}')).toBeUndefined();
  });

  it('leaves a failing gauge empty and counts the failure instead of failing the scrape', async () => {
    let fail = false;
    const prometheus = registry(new FakeQueues({}));
    prometheus.registerGauge({
      name: 'edoc_deliveries_pending',
      help: 'Deliveries waiting for handling',
      collect: () => {
        if (fail) throw new Error('database down');
        return [{ value: 5 }];
      },
    });
    expect(sample(await prometheus.metrics(), 'edoc_deliveries_pending{service="intake"}')).toBe(5);
    fail = true;
    const text = await prometheus.metrics();
    // Without labels there is no series to drop: NaN is Prometheus's own "no value".
    expect(sample(text, 'edoc_deliveries_pending{service="intake"}')).toBeNaN();
    expect(sample(text, 'edoc_metrics_collect_errors_total{metric="edoc_deliveries_pending",service="intake"}')).toBe(1);
  });

  it('refuses query rows without a value or a label column, naming the gauge', () => {
    expect(() => rowsToSamples({ name: 'edoc_x', labelNames: ['state'] }, [{ state: 'a' }])).toThrow('gauge edoc_x: the query returned a row without a numeric "value" column');
    expect(() => rowsToSamples({ name: 'edoc_x', labelNames: ['state'] }, [{ value: 1 }])).toThrow('gauge edoc_x: the query returned no column "state"');
  });

  it('measures how long handled messages waited, through the transport hook', async () => {
    const prometheus = registry(new FakeQueues({}));
    let hook: ((transportId: unknown, context: unknown) => void) | undefined;
    prometheus.instrumentTransport({ setOnProcessingEndHook: (h) => (hook = h) });
    hook?.('edoc.amqp', { queue: 'intake.events', type: 'edoc.v1.DocumentIssued', timestamp: new Date(Date.now() - 3000) });
    hook?.('edoc.amqp', { queue: 'intake.events', type: 'edoc.v1.DocumentIssued', timestamp: undefined });
    const text = await prometheus.metrics();
    expect(sample(text, 'edoc_consumer_lag_seconds_count{queue="intake.events",type="edoc.v1.DocumentIssued",service="intake"}')).toBe(1);
    expect(sample(text, 'edoc_consumer_lag_seconds_bucket{le="2",queue="intake.events",type="edoc.v1.DocumentIssued",service="intake"}')).toBe(0);
    expect(sample(text, 'edoc_consumer_lag_seconds_bucket{le="5",queue="intake.events",type="edoc.v1.DocumentIssued",service="intake"}')).toBe(1);
  });

  it("fits EdocTransport's processing hook and reads its message context", async () => {
    const prometheus = registry(new FakeQueues({}));
    const transport = new EdocTransport({ url: 'amqp://guest:guest@127.0.0.1:1', queues: ['routing.events'], serviceName: 'routing', contract: { 'routing.events': {} } });
    prometheus.instrumentTransport(transport);
    const hook = Reflect.get(transport, 'onProcessingEndHook') as (transportId: unknown, context: unknown) => void;
    const message = {
      content: Buffer.alloc(0),
      fields: { exchange: 'edoc.events', routingKey: 'document.issued', redelivered: false, deliveryTag: 1, consumerTag: 'c' },
      properties: { headers: {}, timestamp: Math.floor(Date.now() / 1000) - 20 },
    };
    hook(transport.transportId, EdocMessageContext.fromDelivery(message as never, 'routing.events', 'm-1', 'edoc.v1.DocumentIssued'));
    const text = await prometheus.metrics();
    expect(sample(text, 'edoc_consumer_lag_seconds_bucket{le="10",queue="routing.events",type="edoc.v1.DocumentIssued",service="intake"}')).toBe(0);
    expect(sample(text, 'edoc_consumer_lag_seconds_bucket{le="30",queue="routing.events",type="edoc.v1.DocumentIssued",service="intake"}')).toBe(1);
  });

  it('has a signing latency histogram, created on first use', async () => {
    const prometheus = registry(new FakeQueues({}));
    expect(await prometheus.metrics()).not.toContain('edoc_signing_duration_seconds');
    const end = prometheus.signingDuration().startTimer({ stage: 'person' });
    end();
    expect(prometheus.signingDuration()).toBe(prometheus.signingDuration());
    expect(sample(await prometheus.metrics(), 'edoc_signing_duration_seconds_count{stage="person",service="intake"}')).toBe(1);
  });
});
