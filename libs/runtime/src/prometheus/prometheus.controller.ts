import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@edoc/identity';
import { PrometheusRegistry } from './prometheus-registry';

/**
 * Prometheus scrape endpoint. Public like the health probes (scrapers carry no user token): it
 * holds counts and durations, never a document, a name of a person or a secret.
 */
@Controller('metrics')
export class PrometheusController {
  constructor(private readonly prometheus: PrometheusRegistry) {}

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    const text = await this.prometheus.metrics();
    response.setHeader('Content-Type', this.prometheus.contentType);
    response.send(text);
  }
}
