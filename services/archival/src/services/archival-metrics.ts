import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { PrometheusRegistry } from '@edoc/runtime';

/** What archival counts as it goes; the record gauges (blocked renewals, the nearest horizon) are SQL gauges of the module. */
@Injectable()
export class ArchivalMetrics {
  readonly renewals: Counter<'outcome'>;

  constructor(prometheus: PrometheusRegistry) {
    this.renewals = new Counter({
      name: 'edoc_archive_renewals_total',
      help: 'Renewals of archived documents (validation data and a new document time-stamp), by outcome (renewed, blocked, failed)',
      labelNames: ['outcome'],
      registers: [prometheus.registry],
    });
  }
}
