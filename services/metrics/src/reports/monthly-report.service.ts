import { Injectable } from '@nestjs/common';
import { parseMonth } from '../domain/coverage-query';
import { worstFirst } from '../domain/figures';
import { vietnamIsoTime } from '../domain/vietnam-time';
import { ALL_UNITS, CoverageService, shiftMonth } from '../services/coverage.service';
import { parseLanguage } from './labels';
import { renderMonthlyReport } from './monthly-report';
import { reportFonts } from './report-font';

/** The monthly report as a PDF an administrator prints or files. */
@Injectable()
export class MonthlyReportService {
  constructor(private readonly coverage: CoverageService) {}

  async render(query: { month?: string; lang?: string }): Promise<{ fileName: string; pdf: Uint8Array }> {
    const today = this.coverage.today();
    const month = parseMonth(query.month, today);
    const language = parseLanguage(query.lang);
    const table = await this.coverage.table(month, today);
    const trend = await this.coverage.table({ from: `${shiftMonth(month.month, -11)}-01`, to: month.to }, today, 'month');
    const units = table.units.map((unit) => ({ ...unit, ...table.cell('all', unit.orgCode) })).sort(worstFirst);
    const pdf = await renderMonthlyReport(
      {
        month: month.month,
        from: month.from,
        to: month.to,
        complete: month.complete,
        generatedAt: vietnamIsoTime(new Date()),
        targets: this.coverage.targets,
        district: table.cell('all', ALL_UNITS),
        units,
        trend: trend.periods.map((period) => ({ period: period.key, electronicShare: trend.cell(period.key, ALL_UNITS).electronicShare })),
      },
      language,
      reportFonts(),
    );
    return { fileName: `edoc-report_${month.month}_${language}.pdf`, pdf };
  }
}
