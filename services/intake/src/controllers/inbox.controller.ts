import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { InboxItemView, InboxService } from '../services/inbox.service';

@Controller('inbox')
@Roles('clerk')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: InboxItemView[] }> {
    return { items: await this.inbox.list(principal) };
  }

  @Get(':deliveryId')
  get(@CurrentPrincipal() principal: Principal, @Param('deliveryId') deliveryId: string): Promise<InboxItemView> {
    return this.inbox.get(principal, deliveryId);
  }

  @Post(':deliveryId/status')
  @HttpCode(202)
  report(@CurrentPrincipal() principal: Principal, @Param('deliveryId') deliveryId: string, @Body() body: { status?: unknown; reason?: unknown }): Promise<{ deliveryId: string; status: string }> {
    return this.inbox.report(principal, deliveryId, String(body?.status ?? ''), typeof body?.reason === 'string' ? body.reason : '');
  }
}
