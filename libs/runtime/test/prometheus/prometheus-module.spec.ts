import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Response } from 'express';
import { Database } from '@edoc/db';
import { PrometheusController, PrometheusModule, PrometheusRegistry, SERVICE_OPTIONS, ServiceReadiness } from '@edoc/runtime';

/** What RuntimeModule provides globally, as fakes: no database, no broker connection yet. */
@Global()
@Module({
  providers: [
    { provide: SERVICE_OPTIONS, useValue: { name: 'routing', defaultPort: 0, queues: ['routing.events'], migrationsDir: '' } },
    { provide: Database, useValue: { query: async () => ({ rows: [{ channel: 'queue', value: 2 }, { channel: 'builtin', value: 5 }] }) } },
    { provide: ServiceReadiness, useValue: { brokerConnected: () => false } },
  ],
  exports: [SERVICE_OPTIONS, Database, ServiceReadiness],
})
class FakeRuntime {}

describe('PrometheusModule', () => {
  it('serves /metrics with the service label and the SQL gauges a service registers with forFeature()', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FakeRuntime,
        PrometheusModule,
        PrometheusModule.forFeature([{ name: 'edoc_deliveries_pending', help: 'Deliveries not handled yet', labelNames: ['channel'], sql: 'SELECT channel, count(*) AS value FROM routing.deliveries GROUP BY 1' }]),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      let body = '';
      const headers: Record<string, string> = {};
      const response = { setHeader: (name: string, value: string) => (headers[name] = value), send: (text: string) => (body = text) } as unknown as Response;
      await app.get(PrometheusController).scrape(response);
      expect(headers['Content-Type']).toContain('text/plain');
      expect(body).toContain('edoc_deliveries_pending{channel="queue",service="routing"} 2');
      expect(body).toContain('edoc_deliveries_pending{channel="builtin",service="routing"} 5');
      expect(body).toContain('process_resident_memory_bytes{service="routing"}');
      // Not connected to the broker yet: no queue samples rather than wrong ones.
      expect(body).not.toMatch(/^edoc_queue_messages\{/m);
      expect(app.get(PrometheusRegistry)).toBeInstanceOf(PrometheusRegistry);
    } finally {
      await app.close();
    }
  });
});
