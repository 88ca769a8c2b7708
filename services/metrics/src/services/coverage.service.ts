import { BadRequestException, Injectable } from '@nestjs/common';
import { Directory } from '@edoc/directory';
import { FactsRepository } from '../repositories/facts.repository';
import { vietnamDay } from './facts.service';

export interface CoverageRow {
  orgCode: string;
  orgName: string;
  electronic: number;
  paper: number;
  both: number;
  total: number;
  /** Electronic share in percent, or null when the unit registered nothing (never NaN). */
  electronicShare: number | null;
}

/** The electronic share of routine correspondence against the district's 100% target. */
@Injectable()
export class CoverageService {
  constructor(
    private readonly facts: FactsRepository,
    private readonly directory: Directory,
  ) {}

  async coverage(fromText: string | undefined, toText: string | undefined): Promise<{ from: string; to: string; target: number; district: CoverageRow; units: CoverageRow[] }> {
    const today = vietnamDay(new Date());
    const from = fromText ?? `${today.slice(0, 4)}-01-01`;
    const to = toText ?? today;
    for (const [name, value] of [['from', from], ['to', to]] as const) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new BadRequestException(`${name}: "${value}" is not a date (yyyy-mm-dd)`);
    }
    if (from > to) throw new BadRequestException(`from ${from} is after to ${to}`);
    const counts = await this.facts.countByMedium(from, to);
    const units = this.directory.list().map((org) => {
      const mine = counts.filter((c) => c.orgCode === org.code);
      return row(org.code, org.name, sum(mine, 'electronic'), sum(mine, 'paper'), sum(mine, 'both'));
    });
    units.sort((a, b) => (a.electronicShare ?? 101) - (b.electronicShare ?? 101) || a.orgCode.localeCompare(b.orgCode));
    const district = row('district', 'Toàn quận', sum(units, 'electronic'), sum(units, 'paper'), sum(units, 'both'));
    return { from, to, target: 100, district, units };
  }
}

function sum<T extends { electronic: number; paper: number; both: number }>(items: T[], key: 'electronic' | 'paper' | 'both'): number {
  return items.reduce((total, item) => total + item[key], 0);
}

function row(orgCode: string, orgName: string, electronic: number, paper: number, both: number): CoverageRow {
  const total = electronic + paper + both;
  return { orgCode, orgName, electronic, paper, both, total, electronicShare: total === 0 ? null : Math.round((electronic * 10000) / total) / 100 };
}
