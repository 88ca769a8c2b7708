import { Controller, Put, Query, Req, UnsupportedMediaTypeException } from '@nestjs/common';
import { createInterface } from 'node:readline';
import type { Request } from 'express';
import { Roles } from '@edoc/identity';
import { RebuildService } from '../services/rebuild.service';

export const NDJSON = 'application/x-ndjson';

@Controller('facts')
@Roles('admin')
export class FactsController {
  constructor(private readonly rebuild: RebuildService) {}

  /**
   * PUT /facts/registers?fromYear=&toYear=[&asOf=]: replaces the facts of those years with the
   * register entries in the body (NDJSON, one entry of intake's GET /registers/:book per line).
   * `edoc metrics rebuild` calls it. NDJSON is streamed, so the size is not bound by the JSON body limit.
   */
  @Put('registers')
  replace(@Req() request: Request, @Query('fromYear') fromYear?: string, @Query('toYear') toYear?: string, @Query('asOf') asOf?: string) {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim();
    if (type !== NDJSON) throw new UnsupportedMediaTypeException(`send the register entries as ${NDJSON}, not "${type || 'nothing'}"`);
    return this.rebuild.replace({ fromYear, toYear, asOf }, createInterface({ input: request, crlfDelay: Infinity }));
  }
}
