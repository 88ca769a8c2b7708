import { Command, InvalidArgumentError } from 'commander';
import { vietnamYear } from '@edoc/contracts';
import { ApiClient } from '../../http/api-client';
import { withApiOptions } from '../api-options';
import { printResult } from '../output';
import { MetricsClient, MetricsOptions } from './metrics-client';
import { BOOKS, RegisterSource } from './register-source';

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
  byBook: { outgoing: number; incoming: number };
}

export function buildRebuildCommand(): Command {
  return withApiOptions(
    new Command('rebuild')
      .description('recompute the coverage figures from the registers: reads every register book from intake and replaces the metrics facts of those years in one transaction (admin)')
      .option('--from-year <yyyy>', `first year to rebuild (default ${FIRST_REGISTER_YEAR}: every year the registers can hold)`, parseYear)
      .option('--to-year <yyyy>', 'last year to rebuild (default: this year in Vietnam)', parseYear)
      .option('--metrics-url <url>', 'metrics service HTTP API (default $EDOC_METRICS_URL or http://127.0.0.1:3004)')
      .option('--json', 'print JSON'),
  ).action(async (options: RebuildOptions) => {
    const fromYear = options.fromYear ?? FIRST_REGISTER_YEAR;
    const toYear = options.toYear ?? vietnamYear(new Date());
    if (fromYear > toYear) throw new Error(`--from-year ${fromYear} is after --to-year ${toYear}`);
    const metrics = new MetricsClient(options);
    const source = new RegisterSource(new ApiClient(options));
    // Facts that arrive by event while the registers are read are newer than this and are kept.
    const asOf = new Date();
    const lines: string[] = [];
    for (let year = fromYear; year <= toYear; year++) {
      for (const book of BOOKS) for (const entry of await source.book(book, year)) lines.push(JSON.stringify(entry));
    }
    const query = new URLSearchParams({ fromYear: String(fromYear), toYear: String(toYear), asOf: asOf.toISOString() });
    const answer = await metrics.request<RebuildAnswer>('PUT', `/facts/registers?${query}`, { contentType: 'application/x-ndjson', bytes: Buffer.from(lines.join('\n'), 'utf8') });
    printResult(options.json, answer, () => [
      `rebuilt ${answer.fromYear}-${answer.toYear} from the registers: ${answer.inserted} entries (${answer.byBook.outgoing} outgoing, ${answer.byBook.incoming} incoming)`,
      `replaced ${answer.removed} facts recorded before ${answer.asOf}`,
    ]);
  });
}

function parseYear(text: string): number {
  if (!/^\d{4}$/.test(text) || Number(text) < FIRST_REGISTER_YEAR) throw new InvalidArgumentError(`"${text}" is not a year from ${FIRST_REGISTER_YEAR} on`);
  return Number(text);
}
