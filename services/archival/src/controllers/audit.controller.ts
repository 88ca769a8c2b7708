import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { Roles } from '@edoc/identity';
import { AuditViewService } from '../services/audit-view.service';
import { CheckpointService } from '../services/checkpoint.service';

/** The whole audit trail is the administrator's (the district's auditor acts with that role). */
@Controller('audit')
@Roles('admin')
export class AuditController {
  constructor(
    private readonly view: AuditViewService,
    private readonly checkpoints: CheckpointService,
  ) {}

  /** GET /audit/entries?after=SEQ&limit=N: entries in order, with the columns kept beside each body. */
  @Get('entries')
  entries(@Query('after') after?: string, @Query('limit') limit?: string) {
    return this.view.entryPage(after, limit);
  }

  @Get('checkpoints')
  checkpointList() {
    return this.view.checkpointsWithCopies();
  }

  /** Signs a checkpoint over every entry not yet covered, now. */
  @Post('checkpoints')
  @HttpCode(200)
  async seal() {
    const last = await this.checkpoints.seal();
    return { checkpoint: last === undefined ? null : { number: last.number, firstSeq: last.firstSeq, lastSeq: last.lastSeq, createdAt: last.createdAt } };
  }
}
