import { Injectable } from '@nestjs/common';
import { Histogram, register } from 'prom-client';

/** Signing latency, by kind of signature, for the Prometheus endpoint. */
@Injectable()
export class SigningMetrics {
  private readonly histogram =
    (register.getSingleMetric('edoc_signing_seconds') as Histogram<'kind'> | undefined) ??
    new Histogram({ name: 'edoc_signing_seconds', help: 'Time to apply one signature, by kind (person, organisation, attachment)', labelNames: ['kind'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

  startTimer(kind: string): () => void {
    const end = this.histogram.startTimer({ kind });
    return () => {
      end();
    };
  }
}
