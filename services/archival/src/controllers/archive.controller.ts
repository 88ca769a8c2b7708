import { BadRequestException, Controller, ForbiddenException, Get, NotFoundException, Query, StreamableFile } from '@nestjs/common';
import { CurrentPrincipal, type Principal, Roles } from '@edoc/identity';
import { InvalidArchiveNameError, ObjectNotFoundError } from '@edoc/storage';
import { DisposalReviewService } from '../services/disposal-review.service';
import { ExportService, type ExportQuery } from '../services/export.service';
import { RecordsViewService } from '../services/records-view.service';

@Controller('archive')
export class ArchiveController {
  constructor(
    private readonly exports: ExportService,
    private readonly recordsView: RecordsViewService,
    private readonly disposal: DisposalReviewService,
  ) {}

  /** GET /archive/records?org=CODE&from=DATE&to=DATE: an administrator any unit (or all), a clerk their own. */
  @Get('records')
  @Roles('admin', 'clerk')
  records(@CurrentPrincipal() principal: Principal, @Query() query: ExportQuery) {
    return this.recordsView.list(principal, query);
  }

  /** GET /archive/objects?name=NAME: the bytes of one archived object. */
  @Get('objects')
  @Roles('admin', 'clerk')
  async object(@CurrentPrincipal() principal: Principal, @Query('name') name?: string): Promise<StreamableFile> {
    if (name === undefined || name === '') throw new BadRequestException('name: the archive name of the object is required');
    if (!principal.roles.includes('admin') && !name.startsWith(`${principal.orgCode}/`)) {
      throw new ForbiddenException(`a clerk of ${principal.orgCode} can read only the archive of ${principal.orgCode}, not ${name}`);
    }
    try {
      const { stream, size } = await this.recordsView.object(name);
      return new StreamableFile(stream, { type: 'application/octet-stream', length: size });
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new NotFoundException(`archived object ${name} does not exist`);
      if (error instanceof InvalidArchiveNameError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  /** GET /archive/export?org=CODE&from=DATE&to=DATE: the package description `edoc archive export` writes out. */
  @Get('export')
  @Roles('admin', 'clerk')
  exportPackage(@CurrentPrincipal() principal: Principal, @Query() query: ExportQuery) {
    return this.exports.export(principal, query);
  }

  /** GET /archive/disposal-review[?at=DATE]: documents past their retention, for people to decide; nothing is deleted. */
  @Get('disposal-review')
  @Roles('admin')
  async disposalReview(@Query('at') at?: string) {
    const when = at === undefined ? new Date() : new Date(at);
    if (Number.isNaN(when.getTime())) throw new BadRequestException(`at: "${at}" is not a date`);
    return { at: when.toISOString(), items: await this.disposal.review(when) };
  }
}
