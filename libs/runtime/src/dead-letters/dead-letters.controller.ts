import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import type { DeadLetter } from '@edoc/messaging';
import { DeadLetterDesk, MAX_DISCARD_REASON_LENGTH, type DeadLetterView } from './dead-letter-desk';

const MAX_LIST = 500;

/** The dead letters of this service's queues, for the district's administrators. */
@ApiTags('dead letters')
@Controller('dead-letters')
@Roles('admin')
export class DeadLettersController {
  constructor(private readonly desk: DeadLetterDesk) {}

  @Get()
  @ApiOperation({ summary: "The dead letters of this service's queues, oldest first, each with the reason it failed" })
  async list(@Query('limit') limit?: string): Promise<{ queues: string[]; letters: DeadLetter[] }> {
    return { queues: this.desk.deadLetterQueues(), letters: await this.desk.list(listLimit(limit)) };
  }

  @Get(':queue/:messageId')
  @ApiOperation({ summary: 'One dead letter, its message decoded' })
  @ApiResponse({ status: 404, description: 'no such dead letter in the queues of this service' })
  show(@Param('queue') queue: string, @Param('messageId') messageId: string): Promise<DeadLetterView> {
    return this.desk.show(`${queue}/${messageId}`);
  }

  @Post(':queue/:messageId/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'This service handles the message again (once its cause is fixed); it leaves the dead-letter queue only if that succeeds' })
  @ApiResponse({ status: 409, description: 'refused or failed again: the reason; the message stays a dead letter' })
  async replay(@CurrentPrincipal() principal: Principal, @Param('queue') queue: string, @Param('messageId') messageId: string): Promise<{ replayed: DeadLetter }> {
    return { replayed: await this.desk.replay(`${queue}/${messageId}`, principal) };
  }

  @Post(':queue/:messageId/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Removes the message for good, with the reason (logged with who did it)' })
  @ApiBody({ schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', maxLength: MAX_DISCARD_REASON_LENGTH } } } })
  async discard(
    @CurrentPrincipal() principal: Principal,
    @Param('queue') queue: string,
    @Param('messageId') messageId: string,
    @Body() body: { reason?: unknown } | undefined,
  ): Promise<{ discarded: DeadLetter }> {
    return { discarded: await this.desk.discard(`${queue}/${messageId}`, principal, body?.reason) };
  }
}

function listLimit(raw: string | undefined): number {
  if (raw === undefined) return 100;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) throw new BadRequestException(`limit must be a whole number from 1 to ${MAX_LIST}`);
  return limit;
}
