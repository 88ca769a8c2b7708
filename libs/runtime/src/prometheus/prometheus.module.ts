import { DynamicModule, Global, Module } from '@nestjs/common';
import { Database } from '@edoc/db';
import { SERVICE_OPTIONS, ServiceOptions } from '../service-options';
import { ServiceReadiness } from '../readiness';
import { consumedQueues } from '../message-contract';
import { SqlGaugeSpec } from './gauge-samples';
import { PrometheusController } from './prometheus.controller';
import { PrometheusRegistry } from './prometheus-registry';
import { AmqpQueueStats } from './queue-stats';

/**
 * `/metrics` for every service (imported by RuntimeModule). Services inject PrometheusRegistry to
 * add gauges over their own data, or import `PrometheusModule.forFeature([...sql gauges])`.
 */
@Global()
@Module({
  controllers: [PrometheusController],
  providers: [
    {
      provide: PrometheusRegistry,
      inject: [SERVICE_OPTIONS, Database, ServiceReadiness],
      useFactory: (options: ServiceOptions, db: Database, readiness: ServiceReadiness) =>
        new PrometheusRegistry({
          serviceName: options.name,
          // The queues the service consumes: each of its own and their urgent twins.
          queues: consumedQueues(options.name),
          db,
          queueStats: new AmqpQueueStats(() => (readiness.brokerConnected() ? readiness.broker().current : undefined)),
        }),
    },
  ],
  exports: [PrometheusRegistry],
})
export class PrometheusModule {
  /** Gauges over the importing service's own tables, e.g. documents per state in intake. */
  static forFeature(gauges: SqlGaugeSpec[]): DynamicModule {
    return {
      module: PrometheusGaugesModule,
      providers: [
        {
          provide: `edoc.prometheus.gauges:${gauges.map((gauge) => gauge.name).join(',')}`,
          inject: [PrometheusRegistry],
          useFactory: (registry: PrometheusRegistry) => gauges.map((gauge) => registry.registerSqlGauge(gauge)),
        },
      ],
    };
  }
}

@Module({})
class PrometheusGaugesModule {}
