import { Command } from 'commander';
import { withApiOptions } from '../api-options';
import { printResult, table } from '../output';
import { MetricsClient, MetricsOptions } from './metrics-client';

/** A unit's or all units' figures; the counts are outgoing and incoming together. */
interface FiguresJson {
  electronic: number;
  paper: number;
  both: number;
  electronicShare: number | null;
  receipts: { share: number | null };
  onTime: { share: number | null };
}

interface SummaryJson {
  from: string;
  to: string;
  targets: { electronic: number; onTime: number };
  district: FiguresJson;
  units: ({ orgCode: string; orgName: string } & FiguresJson)[];
}

const percent = (value: number | null) => (value === null ? '-' : `${value}%`);

export function buildShowCommand(): Command {
  return withApiOptions(
    new Command('show')
      .description('print the electronic share of every unit, worst first (admin)')
      .option('--from <yyyy-mm-dd>', 'first day (default: 1 January of this year)')
      .option('--to <yyyy-mm-dd>', 'last day (default: today)')
      .option('--metrics-url <url>', 'metrics service HTTP API (default $EDOC_METRICS_URL or http://127.0.0.1:3004)')
      .option('--json', 'print JSON'),
  ).action(async (options: MetricsOptions & { from?: string; to?: string; json?: boolean }) => {
    const query = new URLSearchParams({ ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) });
    const summary = await new MetricsClient(options).request<SummaryJson>('GET', `/coverage?${query}`);
    const row = (code: string, name: string, f: FiguresJson) => [code, name, String(f.electronic), String(f.paper), String(f.both), percent(f.electronicShare), percent(f.receipts.share), percent(f.onTime.share)];
    printResult(options.json, summary, () => [
      `${summary.from} to ${summary.to}; targets: ${summary.targets.electronic}% electronic, ${summary.targets.onTime}% on time`,
      ...table([
        ['CODE', 'UNIT', 'ELECTRONIC', 'PAPER', 'BOTH', 'SHARE', 'SAME-DAY', 'ON-TIME'],
        row('all', 'all units', summary.district),
        ...summary.units.map((unit) => row(unit.orgCode, unit.orgName, unit)),
      ]),
    ]);
  });
}
