import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@edoc/identity';
import { DeliveryLedgerService } from '../services/delivery-ledger.service';

@ApiTags('deliveries')
@Controller('deliveries')
export class DeliveryLedgerController {
  constructor(private readonly ledger: DeliveryLedgerService) {}

  /** GET /deliveries?year=2026[&recipient=CODE]: what the metrics rebuild reads. */
  @Get()
  @ApiOperation({ summary: 'Every delivery made in a year (Vietnam time) with its receipt and completion times, for the metrics rebuild (admin)' })
  @Roles('admin')
  list(@Query() query: { year?: string; recipient?: string }) {
    return this.ledger.list(query);
  }
}
