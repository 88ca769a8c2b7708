import { BadRequestException, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@edoc/identity';
import { isUuid } from '../domain/uuid';
import { OutgoingRepository, type OutgoingView } from '../repositories/outgoing.repository';

const STATES = ['pending', 'sent', 'dead'] as const;

/** What the gateway has to post to the axis, and the dead rows an administrator sends again once the cause is fixed. */
@ApiTags('axis')
@Controller('axis/outgoing')
@Roles('admin')
export class OutgoingController {
  constructor(private readonly outgoing: OutgoingRepository) {}

  @Get()
  @ApiOperation({ summary: 'Packages and status messages for the axis, newest first, by state (pending, sent, dead) and/or document' })
  async list(@Query('state') state?: string, @Query('documentId') documentId?: string): Promise<{ messages: OutgoingView[] }> {
    const problems = [
      ...(state === undefined || (STATES as readonly string[]).includes(state) ? [] : [`state must be one of ${STATES.join(', ')}`]),
      ...(documentId === undefined || isUuid(documentId) ? [] : ['documentId must be a UUID']),
    ];
    if (problems.length > 0) throw new BadRequestException(problems);
    return { messages: await this.outgoing.list({ state: state as OutgoingView['state'] | undefined, documentId }, 500) };
  }

  @Post(':messageId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Post a dead package or status message again, from its first attempt' })
  @ApiResponse({ status: 404, description: 'no dead message of that id' })
  async retry(@Param('messageId') messageId: string): Promise<{ messageId: string; state: 'pending' }> {
    if (!(await this.outgoing.revive(messageId))) throw new NotFoundException(`no dead message ${messageId} for the axis`);
    return { messageId, state: 'pending' };
  }
}
