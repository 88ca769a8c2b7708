import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Roles } from '@edoc/identity';
import { MonthlyReportService } from '../reports/monthly-report.service';

@Controller(['reports', 'dashboard/api/reports'])
@Roles('admin')
export class ReportsController {
  constructor(private readonly reports: MonthlyReportService) {}

  /** GET /reports/monthly.pdf?month=yyyy-mm&lang=vi|en: the printable monthly report. */
  @Get('monthly.pdf')
  async monthly(@Res() response: Response, @Query('month') month?: string, @Query('lang') lang?: string): Promise<void> {
    const report = await this.reports.render({ month, lang });
    response.setHeader('Content-Type', 'application/pdf');
    response.setHeader('Content-Disposition', `inline; filename="${report.fileName}"`);
    response.setHeader('Cache-Control', 'no-store');
    response.send(Buffer.from(report.pdf));
  }
}
