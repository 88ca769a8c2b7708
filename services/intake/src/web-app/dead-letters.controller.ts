import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, presentedToken, Principal, Roles } from '@edoc/identity';
import type { DeadLetter } from '@edoc/messaging';
import type { DeadLetterView } from '@edoc/runtime';
import { DeadLetterRelayService, type Caller, type ServiceDeadLetters } from '../services/dead-letter-relay.service';

/**
 * The web app's dead-letter screen: every service's dead letters through intake (see
 * DeadLetterRelayService). Registered before WebAppController, whose page route takes any other
 * path under /app.
 */
@ApiExcludeController()
@Controller('app/api/dead-letters')
@Roles('admin')
export class DeadLettersRelayController {
  constructor(private readonly relay: DeadLetterRelayService) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Query('limit') limit?: string): Promise<{ services: ServiceDeadLetters[] }> {
    const wanted = limit === undefined ? 100 : Math.min(500, Math.max(1, Math.trunc(Number(limit)) || 100));
    return { services: await this.relay.list(callerOf(principal, request), wanted) };
  }

  @Get(':queue/:messageId')
  show(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Param('queue') queue: string, @Param('messageId') messageId: string): Promise<DeadLetterView> {
    return this.relay.show(callerOf(principal, request), queue, messageId);
  }

  @Post(':queue/:messageId/replay')
  @HttpCode(200)
  replay(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Param('queue') queue: string, @Param('messageId') messageId: string): Promise<{ replayed: DeadLetter }> {
    return this.relay.replay(callerOf(principal, request), queue, messageId);
  }

  @Post(':queue/:messageId/discard')
  @HttpCode(200)
  discard(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Param('queue') queue: string,
    @Param('messageId') messageId: string,
    @Body() body: { reason?: unknown } | undefined,
  ): Promise<{ discarded: DeadLetter }> {
    return this.relay.discard(callerOf(principal, request), queue, messageId, body?.reason);
  }
}

function callerOf(principal: Principal, request: Request): Caller {
  return { principal, token: presentedToken(request).token };
}
