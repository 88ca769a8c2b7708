import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { ROUTING_STATUS_QUEUE, RuntimeModule } from '@edoc/runtime';
import { RoutingHandler } from './handlers/routing.handler';
import { RoutingRepository } from './repositories/deliveries.repository';
import { FanOutService } from './services/fan-out.service';
import { ReceiptRulesConfig } from './services/receipt-rules.config';
import { ReceiptWatchService } from './services/receipt-watch.service';
import { StatusService } from './services/status.service';

export const ROUTING_QUEUES = ['routing.events', ROUTING_STATUS_QUEUE];

@Module({
  imports: [RuntimeModule.forService({ name: 'routing', defaultPort: 3002, queues: ROUTING_QUEUES, orderedQueues: [ROUTING_STATUS_QUEUE], migrationsDir: join(__dirname, '..', 'migrations') })],
  controllers: [RoutingHandler],
  providers: [RoutingRepository, FanOutService, StatusService, ReceiptRulesConfig, ReceiptWatchService],
})
export class RoutingModule {}
