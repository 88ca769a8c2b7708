import { BadRequestException, Injectable, PayloadTooLargeException } from '@nestjs/common';
import { Database } from '@edoc/db';
import { deliveryToFact } from '../domain/delivery-entry';
import { InvalidEntryError } from '../domain/entry-fields';
import { entryToFact } from '../domain/register-entry';
import { DeliveryFactsRepository } from '../repositories/delivery-facts.repository';
import { FactsRepository } from '../repositories/facts.repository';

/** Limits that keep one upload from exhausting the service's memory. */
export const MAX_ENTRIES = 2_000_000;
export const MAX_LINE_CHARS = 64 * 1024;

export interface RebuildRequest {
  fromYear?: string;
  toYear?: string;
  asOf?: string;
}

interface RebuildScope {
  years: { from: number; to: number };
  asOf: Date;
}

export interface RebuildResult {
  fromYear: number;
  toYear: number;
  asOf: string;
  removed: number;
  inserted: number;
}

export interface RegisterRebuildResult extends RebuildResult {
  byBook: { outgoing: number; incoming: number };
}

/**
 * Replaces the facts of whole years with what intake holds, in one transaction: the register facts
 * with the registers' entries, the delivery facts with intake's deliveries. The figures are then
 * computed from exactly that. Every line is checked before anything is changed, so a bad upload
 * leaves the facts as they were.
 */
@Injectable()
export class RebuildService {
  constructor(
    private readonly db: Database,
    private readonly facts: FactsRepository,
    private readonly deliveries: DeliveryFactsRepository,
  ) {}

  async replaceRegisters(request: RebuildRequest, lines: AsyncIterable<string>, now: Date = new Date()): Promise<RegisterRebuildResult> {
    const scope = parseScope(request, now);
    const facts = await readEntries(lines, (value, line) => entryToFact(value, line, scope.years), (fact) => fact.entryId, 'register entry');
    const outcome = await this.db.transaction((tx) => this.facts.replaceYears(tx, scope.years, scope.asOf, facts));
    return {
      ...describe(scope, outcome),
      byBook: { outgoing: facts.filter((f) => f.book === 'outgoing').length, incoming: facts.filter((f) => f.book === 'incoming').length },
    };
  }

  async replaceDeliveries(request: RebuildRequest, lines: AsyncIterable<string>, now: Date = new Date()): Promise<RebuildResult> {
    const scope = parseScope(request, now);
    const facts = await readEntries(lines, (value, line) => deliveryToFact(value, line, scope.years), (fact) => fact.deliveryId, 'delivery');
    const outcome = await this.db.transaction((tx) => this.deliveries.replaceYears(tx, scope.years, scope.asOf, facts));
    return describe(scope, outcome);
  }
}

function describe(scope: RebuildScope, outcome: { removed: number; inserted: number }): RebuildResult {
  return { fromYear: scope.years.from, toYear: scope.years.to, asOf: scope.asOf.toISOString(), ...outcome };
}

function parseScope(request: RebuildRequest, now: Date): RebuildScope {
  const years = { from: parseYear('fromYear', request.fromYear), to: parseYear('toYear', request.toYear) };
  if (years.from > years.to) throw new BadRequestException(`the years are reversed: fromYear ${years.from} is after toYear ${years.to}`);
  const asOf = request.asOf === undefined ? now : new Date(request.asOf);
  if (Number.isNaN(asOf.getTime())) throw new BadRequestException(`asOf: "${request.asOf}" is not a time`);
  if (asOf.getTime() > now.getTime() + 60_000) throw new BadRequestException(`asOf ${asOf.toISOString()} is in the future`);
  return { years, asOf };
}

/** Reads NDJSON lines into checked facts; the first bad line refuses the whole upload. */
async function readEntries<T>(lines: AsyncIterable<string>, parse: (value: unknown, line: number) => T, idOf: (fact: T) => string, what: string): Promise<T[]> {
  const facts: T[] = [];
  const seen = new Set<string>();
  let line = 0;
  for await (const raw of lines) {
    line++;
    if (raw.length > MAX_LINE_CHARS) throw new PayloadTooLargeException(`line ${line} is longer than ${MAX_LINE_CHARS} characters`);
    if (raw.trim() === '') continue;
    if (facts.length >= MAX_ENTRIES) throw new PayloadTooLargeException(`more than ${MAX_ENTRIES} entries in one rebuild: rebuild fewer years at a time`);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new BadRequestException(`line ${line}: not JSON (one ${what} per line is expected)`);
    }
    let fact: T;
    try {
      fact = parse(value, line);
    } catch (error) {
      if (error instanceof InvalidEntryError) throw new BadRequestException(error.message);
      throw error;
    }
    const id = idOf(fact);
    if (seen.has(id)) throw new BadRequestException(`line ${line}: ${what} ${id} appears twice`);
    seen.add(id);
    facts.push(fact);
  }
  return facts;
}

function parseYear(name: string, text: string | undefined): number {
  if (text === undefined) throw new BadRequestException(`${name} is required (a year such as 2026)`);
  const year = Number(text);
  if (!/^\d{4}$/.test(text) || year < 1990) throw new BadRequestException(`${name}: "${text}" is not a year from 1990 on`);
  return year;
}
