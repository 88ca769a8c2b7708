import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Roles } from '@edoc/identity';
import { CsvExportService } from '../reports/csv-export.service';
import { CoverageService } from '../services/coverage.service';

/**
 * The coverage figures for administrators. The same routes answer under /dashboard/api/coverage,
 * where the dashboard page reaches them with its session cookie.
 */
@Controller(['coverage', 'dashboard/api/coverage'])
@Roles('admin')
export class CoverageController {
  constructor(
    private readonly coverage: CoverageService,
    private readonly csv: CsvExportService,
  ) {}

  /** GET /coverage?from=&to=: all units together and each unit, worst first, with a 12-month trend. */
  @Get()
  summary(@Query('from') from?: string, @Query('to') to?: string) {
    return this.coverage.summary({ from, to });
  }

  /** GET /coverage/series?from=&to=&granularity=day|month|year[&org=]: one figure set per period. */
  @Get('series')
  series(@Query('from') from?: string, @Query('to') to?: string, @Query('granularity') granularity?: string, @Query('org') org?: string) {
    return this.coverage.series({ from, to, granularity, org });
  }

  /** GET /coverage/paper?org=&from=&to=: the documents that kept a unit from being all-electronic. */
  @Get('paper')
  paper(@Query('org') org?: string, @Query('from') from?: string, @Query('to') to?: string) {
    return this.coverage.paper({ org, from, to });
  }

  /** GET /coverage/export.csv?from=&to=&granularity=&lang=vi|en */
  @Get('export.csv')
  async exportCsv(
    @Res() response: Response,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('granularity') granularity?: string,
    @Query('lang') lang?: string,
  ): Promise<void> {
    const file = await this.csv.export({ from, to, granularity, lang });
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    response.setHeader('Cache-Control', 'no-store');
    response.send(file.text);
  }
}
