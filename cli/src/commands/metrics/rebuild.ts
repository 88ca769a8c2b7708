import { Command, InvalidArgumentError } from 'commander';
import { vietnamYear } from '@edoc/contracts';
import { ApiClient } from '../../http/api-client';
import { withApiOptions } from '../api-options';
import { printResult } from '../output';
import { MetricsClient, MetricsOptions } from './metrics-client';
import { BOOKS, IntakeRecords } from './intake-records';

/** The earliest year intake's registers accept. */
export const FIRST_REGISTER_YEAR = 1990;

interface RebuildOptions extends MetricsOptions {
  fromYear?: number;
  toYear?: number;
  json?: boolean;
}

interface RebuildAnswer {
  fromYear: number;
  toYear: number;
  asOf: string;
  removed: number;
  inserted: number;
}

interface RegisterRebuildAnswer extends RebuildAnswer {
  byBook: { outgoing: number; incoming: number };
}

export function buildRebuildCommand(): Command {
  return withApiOptions(
    new Command('rebuild')
      .description("recompute the coverage figures from intake's records: reads every register book and every delivery of those years from intake and replaces the metrics facts of those years (admin)")
      .option('--from-year <yyyy>', `first year to rebuild (default ${FIRST_REGISTER_YEAR}: every year the registers can hold)`, parseYear)
      .option('--to-year <yyyy>', 'last year to rebuild (default: this year in Vietnam)', parseYear)
      .option('--metrics-url <url>', 'metrics service HTTP API (default $EDOC_METRICS_URL or http://127.0.0.1:3004)')
      .option('--json', 'print JSON'),
  ).action(async (options: RebuildOptions) => {
    const fromYear = options.fromYear ?? FIRST_REGISTER_YEAR;
    const toYear = options.toYear ?? vietnamYear(new Date());
    if (fromYear > toYear) throw new Error(`--from-year ${fromYear} is after --to-year ${toYear}`);
    const metrics = new MetricsClient(options);
    const source = new IntakeRecords(new ApiClient(options));
    // Facts that arrive by event while intake is read are newer than this and are kept.
    const asOf = new Date();
    const registerLines: string[] = [];
    const deliveryLines: string[] = [];
    for (let year = fromYear; year <= toYear; year++) {
      progress(options.json, `reading ${year} from intake…`);
      for (const book of BOOKS) for (const entry of await source.book(book, year)) registerLines.push(JSON.stringify(entry));
      for (const delivery of await source.deliveries(year)) deliveryLines.push(JSON.stringify(delivery));
    }
    const query = new URLSearchParams({ fromYear: String(fromYear), toYear: String(toYear), asOf: asOf.toISOString() });
    const ndjson = (lines: string[]) => ({ contentType: 'application/x-ndjson', bytes: Buffer.from(lines.join('\n'), 'utf8') });
    const registers = await metrics.request<RegisterRebuildAnswer>('PUT', `/facts/registers?${query}`, ndjson(registerLines));
    const deliveries = await metrics.request<RebuildAnswer>('PUT', `/facts/deliveries?${query}`, ndjson(deliveryLines));
    printResult(options.json, { ...registers, deliveries: { removed: deliveries.removed, inserted: deliveries.inserted } }, () => [
      `rebuilt ${registers.fromYear}-${registers.toYear} from intake's records:`,
      `  registers: ${registers.inserted} entries (${registers.byBook.outgoing} outgoing, ${registers.byBook.incoming} incoming), replacing ${registers.removed} facts`,
      `  deliveries: ${deliveries.inserted} (same-day receipts, on-time handling), replacing ${deliveries.removed} facts`,
      `facts recorded by event after ${registers.asOf} were kept`,
    ]);
  });
}

/** Long rebuilds read many years: say where it is, on stderr, unless the output is JSON for a script. */
function progress(json: boolean | undefined, line: string): void {
  if (json !== true && process.stderr.isTTY) process.stderr.write(`${line}\n`);
}

function parseYear(text: string): number {
  if (!/^\d{4}$/.test(text) || Number(text) < FIRST_REGISTER_YEAR) throw new InvalidArgumentError(`"${text}" is not a year from ${FIRST_REGISTER_YEAR} on`);
  return Number(text);
}
