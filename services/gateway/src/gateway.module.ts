import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { PrometheusModule, RuntimeModule } from '@edoc/runtime';
import { AxisClient } from './axis/axis-client';
import { AxisConfig } from './axis/axis-config';
import { OutgoingController } from './controllers/outgoing.controller';
import { GatewayHandler } from './handlers/gateway.handler';
import { IncomingRepository } from './repositories/incoming.repository';
import { OutgoingRepository } from './repositories/outgoing.repository';
import { AxisPollerService } from './services/axis-poller.service';
import { AxisSenderService } from './services/axis-sender.service';
import { GatewayMetrics } from './services/gateway-metrics';
import { OutboundService } from './services/outbound.service';
import { PackageBuilder } from './services/package-builder.service';

/**
 * The axis gateway: carries edXML packages and status messages between this exchange and the
 * national document axis over HTTP, with an outbox and an inbox of its own on that side.
 */
@Module({
  imports: [
    RuntimeModule.forService({ name: 'gateway', defaultPort: 3006, migrationsDir: join(__dirname, '..', 'migrations') }),
    PrometheusModule.forFeature([
      {
        name: 'edoc_axis_outgoing',
        help: 'Packages and status messages for the national axis, by kind and state (pending, sent, dead)',
        labelNames: ['kind', 'state'],
        sql: `SELECT kind, state, count(*)::float8 AS value FROM gateway.outgoing GROUP BY 1, 2`,
      },
      {
        name: 'edoc_axis_oldest_pending_seconds',
        help: 'Age of the oldest package or status message not yet accepted by the axis (0 when none waits)',
        labelNames: [],
        sql: `SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS value FROM gateway.outgoing WHERE state = 'pending'`,
      },
    ]),
  ],
  controllers: [GatewayHandler, OutgoingController],
  providers: [AxisConfig, AxisClient, OutgoingRepository, IncomingRepository, GatewayMetrics, PackageBuilder, OutboundService, AxisSenderService, AxisPollerService],
})
export class GatewayModule {}
