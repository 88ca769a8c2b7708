import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { PrometheusModule, RuntimeModule } from '@edoc/runtime';
import { RoutingHandler } from './handlers/routing.handler';
import { RoutingRepository } from './repositories/deliveries.repository';
import { FanOutService } from './services/fan-out.service';
import { ReceiptRulesConfig } from './services/receipt-rules.config';
import { ReceiptWatchService } from './services/receipt-watch.service';
import { StatusService } from './services/status.service';

@Module({
  imports: [
    RuntimeModule.forService({ name: 'routing', defaultPort: 3002, migrationsDir: join(__dirname, '..', 'migrations') }),
    PrometheusModule.forFeature([
      {
        name: 'edoc_deliveries_pending',
        help: 'Deliveries not completed yet, by channel and status ("none" before the first report)',
        labelNames: ['channel', 'status'],
        sql: `SELECT channel, coalesce(lpad(status::text, 2, '0'), 'none') AS status, count(*)::float8 AS value
              FROM routing.deliveries WHERE status IS NULL OR status IN (1, 3, 4, 5, 13) GROUP BY 1, 2`,
      },
    ]),
  ],
  controllers: [RoutingHandler],
  providers: [RoutingRepository, FanOutService, StatusService, ReceiptRulesConfig, ReceiptWatchService],
})
export class RoutingModule {}
