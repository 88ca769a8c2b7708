import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Roles } from '@edoc/identity';
import { PrometheusRegistry } from './prometheus-registry';

/**
 * Prometheus scrape endpoint. It holds no document, but it does hold each unit's counts, so like
 * every other route it needs a bearer token (an administrator's): Prometheus sends one with
 * `authorization: { credentials: <token> }` in its scrape configuration.
 */
@Controller('metrics')
export class PrometheusController {
  constructor(private readonly prometheus: PrometheusRegistry) {}

  @Roles('admin')
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    const text = await this.prometheus.metrics();
    response.setHeader('Content-Type', this.prometheus.contentType);
    response.send(text);
  }
}
