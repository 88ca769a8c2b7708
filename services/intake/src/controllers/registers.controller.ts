import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { RateLimit } from '@edoc/runtime';
import { PaperIncomingInput, PaperOutgoingInput, PaperRegistrationService } from '../services/paper-registration.service';
import { RegisterQuery, RegisterViewService } from '../services/register-view.service';

type ListQuery = Omit<RegisterQuery, 'book'> & { format?: string };

@ApiTags('registers')
@Controller('registers')
export class RegistersController {
  constructor(
    private readonly registers: RegisterViewService,
    private readonly paper: PaperRegistrationService,
  ) {}

  /** The follow-up book: incoming documents with a deadline, their progress and reply. */
  @Get('follow-up')
  @ApiOperation({ summary: 'The follow-up book: incoming documents with a deadline, their progress and reply' })
  @Roles('clerk', 'admin')
  followUp(@CurrentPrincipal() principal: Principal, @Query() query: { year?: string; org?: string }) {
    return this.registers.followUp(principal, query);
  }

  /** GET /registers/outgoing?year=2026[&org=CODE][&medium=paper][&format=csv]: one book of one year. */
  @Get(':book')
  @ApiOperation({ summary: 'One book (outgoing or incoming) of one year; format=csv exports it' })
  @Roles('clerk', 'admin')
  async list(@CurrentPrincipal() principal: Principal, @Param('book') book: string, @Query() query: ListQuery, @Res({ passthrough: true }) response: Response) {
    if (query.format === 'csv') {
      const { fileName, content } = await this.registers.csv(principal, { ...query, book });
      response.setHeader('content-type', 'text/csv; charset=utf-8');
      response.setHeader('content-disposition', `attachment; filename="${fileName}"`);
      return content;
    }
    return this.registers.list(principal, { ...query, book });
  }

  /** The printable PDF of a closed book (a year that is over). */
  @Get(':book/print')
  @ApiOperation({ summary: 'The printable PDF of a closed book (a year that is over)' })
  @Roles('clerk', 'admin')
  @RateLimit('downloads')
  @Header('content-type', 'application/pdf')
  async print(@CurrentPrincipal() principal: Principal, @Param('book') book: string, @Query() query: Omit<RegisterQuery, 'book'>): Promise<StreamableFile> {
    const { fileName, content } = await this.registers.print(principal, { ...query, book });
    return new StreamableFile(content, { type: 'application/pdf', disposition: `attachment; filename="${fileName}"` });
  }

  /** Registers an outgoing paper document: it takes the next number of the unit's outgoing series. */
  @Post('outgoing')
  @ApiOperation({ summary: 'Register an outgoing paper document: it takes the next number of the outgoing series' })
  @ApiBody({ schema: { type: 'object', properties: { type: { type: 'string' }, subject: { type: 'string' }, recipients: { type: 'string' }, signer: { type: 'string' }, draftingUnit: { type: 'string' }, medium: { type: 'string', enum: ['paper', 'both'] }, copies: { type: 'integer' }, legalNormative: { type: 'boolean' }, dueDate: { type: 'string' }, notes: { type: 'string' } } } })
  @HttpCode(201)
  @Roles('clerk')
  registerOutgoing(@CurrentPrincipal() principal: Principal, @Body() body: PaperOutgoingInput) {
    return this.paper.registerOutgoing(principal, body ?? {});
  }

  /** Registers an incoming paper document: it takes the next arrival number, shared with electronic arrivals. */
  @Post('incoming')
  @ApiOperation({ summary: 'Register an incoming paper document: it takes the next arrival number, shared with electronic arrivals' })
  @ApiBody({ schema: { type: 'object', properties: { author: { type: 'string' }, numberNotation: { type: 'string' }, documentDate: { type: 'string' }, type: { type: 'string' }, subject: { type: 'string' }, handler: { type: 'string' }, dueDate: { type: 'string' }, medium: { type: 'string', enum: ['paper', 'both'] }, notes: { type: 'string' } } } })
  @HttpCode(201)
  @Roles('clerk')
  registerIncoming(@CurrentPrincipal() principal: Principal, @Body() body: PaperIncomingInput) {
    return this.paper.registerIncoming(principal, body ?? {});
  }
}
