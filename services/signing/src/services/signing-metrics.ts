import { Injectable } from '@nestjs/common';
import { PrometheusRegistry } from '@edoc/runtime';

/** Signing latency per stage (person, organisation, attachment) on the service's /metrics. */
@Injectable()
export class SigningMetrics {
  constructor(private readonly prometheus: PrometheusRegistry) {}

  startTimer(stage: string): () => void {
    const end = this.prometheus.signingDuration().startTimer({ stage });
    return () => {
      end();
    };
  }
}
