import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { InboxItemView, InboxService } from '../services/inbox.service';

@ApiTags('inbox')
@Controller('inbox')
@Roles('clerk')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOperation({ summary: "What arrived in the unit's built-in inbox, newest first" })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: InboxItemView[] }> {
    return { items: await this.inbox.list(principal) };
  }

  /** Incoming documents past their due date and not completed. */
  @Get('overdue')
  @ApiOperation({ summary: 'Incoming documents past their due date and not completed (06)' })
  async overdue(@CurrentPrincipal() principal: Principal): Promise<{ items: InboxItemView[] }> {
    return { items: await this.inbox.overdue(principal) };
  }

  @Get(':deliveryId')
  get(@CurrentPrincipal() principal: Principal, @Param('deliveryId') deliveryId: string): Promise<InboxItemView> {
    return this.inbox.get(principal, deliveryId);
  }

  @Post(':deliveryId/status')
  @ApiOperation({ summary: 'Report a status: 02 refused, 03 accepted, 04 assigned, 05 in progress, 06 completed, 14/16 answer a recall' })
  @ApiBody({ schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', example: '03' }, reason: { type: 'string', description: 'required with 02 and 16' } } } })
  @ApiResponse({ status: 409, description: 'the transition is not allowed (e.g. 06 before 03, anything after a recall)' })
  @HttpCode(202)
  report(@CurrentPrincipal() principal: Principal, @Param('deliveryId') deliveryId: string, @Body() body: { status?: unknown; reason?: unknown }): Promise<{ deliveryId: string; status: string }> {
    return this.inbox.report(principal, deliveryId, String(body?.status ?? ''), typeof body?.reason === 'string' ? body.reason : '');
  }
}
