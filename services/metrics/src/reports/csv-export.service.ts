import { Injectable } from '@nestjs/common';
import { assertSeriesLength, parseGranularity, parseRange } from '../domain/coverage-query';
import type { Figures } from '../domain/figures';
import { ALL_UNITS, CoverageService, RangeQuery } from '../services/coverage.service';
import { csvDocument } from '@edoc/runtime';
import { CSV_HEADERS, parseLanguage } from './labels';

/** The figures of every unit and of all units together, one row per period, for a spreadsheet. */
@Injectable()
export class CsvExportService {
  constructor(private readonly coverage: CoverageService) {}

  async export(query: RangeQuery & { granularity?: string; lang?: string }): Promise<{ fileName: string; text: string }> {
    const today = this.coverage.today();
    const range = parseRange(query, today);
    const granularity = parseGranularity(query.granularity);
    assertSeriesLength(range, granularity);
    const language = parseLanguage(query.lang);
    const table = await this.coverage.table(range, today, granularity);
    const targets = this.coverage.targets;
    const rows: (string | number | null)[][] = [];
    for (const period of table.periods) {
      const all = this.coverage.allUnits(table.cell(period.key, ALL_UNITS));
      for (const unit of [all, ...table.units]) {
        const f: Figures = table.cell(period.key, unit.orgCode);
        rows.push([
          period.key, period.from, period.to, unit.orgCode, unit.orgName,
          f.outgoing.electronic, f.outgoing.paper, f.outgoing.both, f.incoming.electronic, f.incoming.paper, f.incoming.both, f.total,
          f.electronicShare, targets.electronic,
          f.receipts.deliveries, f.receipts.confirmedSameDay, f.receipts.share,
          f.onTime.due, f.onTime.onTime, f.onTime.late, f.onTime.overdue, f.onTime.share, targets.onTime,
        ]);
      }
    }
    return { fileName: `edoc-coverage_${range.from}_${range.to}_${granularity}.csv`, text: csvDocument(CSV_HEADERS[language], rows) };
  }
}
