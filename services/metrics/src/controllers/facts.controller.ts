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
  replaceRegisters(@Req() request: Request, @Query('fromYear') fromYear?: string, @Query('toYear') toYear?: string, @Query('asOf') asOf?: string) {
    return this.rebuild.replaceRegisters({ fromYear, toYear, asOf }, ndjsonLines(request, 'the register entries'));
  }

  /**
   * PUT /facts/deliveries?fromYear=&toYear=[&asOf=]: replaces the facts of the deliveries made in
   * those years with the body (NDJSON, one delivery of intake's GET /deliveries per line): same-day
   * receipts and on-time handling are then computed from intake's record.
   */
  @Put('deliveries')
  replaceDeliveries(@Req() request: Request, @Query('fromYear') fromYear?: string, @Query('toYear') toYear?: string, @Query('asOf') asOf?: string) {
    return this.rebuild.replaceDeliveries({ fromYear, toYear, asOf }, ndjsonLines(request, 'the deliveries'));
  }
}

function ndjsonLines(request: Request, what: string): AsyncIterable<string> {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim();
  if (type !== NDJSON) throw new UnsupportedMediaTypeException(`send ${what} as ${NDJSON}, not "${type || 'nothing'}"`);
  return createInterface({ input: request, crlfDelay: Infinity });
}
