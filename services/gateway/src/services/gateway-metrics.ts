import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { PrometheusRegistry } from '@edoc/runtime';

/** What the gateway counts as it goes; the table gauges (pending, dead, oldest) are SQL gauges of the module. */
@Injectable()
export class GatewayMetrics {
  readonly posts: Counter<'kind' | 'outcome'>;
  readonly received: Counter<'kind' | 'outcome'>;
  readonly pollFailures: Counter<string>;

  constructor(prometheus: PrometheusRegistry) {
    const registers = [prometheus.registry];
    this.posts = new Counter({ name: 'edoc_axis_posts_total', help: 'Posts to the national axis, by kind and outcome (accepted, retry, dead)', labelNames: ['kind', 'outcome'], registers });
    this.received = new Counter({ name: 'edoc_axis_received_total', help: 'Messages taken from the national axis, by kind and outcome (passed, duplicate, refused)', labelNames: ['kind', 'outcome'], registers });
    this.pollFailures = new Counter({ name: 'edoc_axis_poll_failures_total', help: 'Polls of the national axis that failed (unreachable, an error answer)', registers });
  }
}
