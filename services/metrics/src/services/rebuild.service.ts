import { BadRequestException, Injectable, PayloadTooLargeException } from '@nestjs/common';
import { Database } from '@edoc/db';
import { entryToFact, InvalidEntryError } from '../domain/register-entry';
import { FactsRepository, RegisterFact } from '../repositories/facts.repository';

/** Limits that keep one upload from exhausting the service's memory. */
export const MAX_ENTRIES = 2_000_000;
export const MAX_LINE_CHARS = 64 * 1024;

export interface RebuildRequest {
  fromYear?: string;
  toYear?: string;
  asOf?: string;
}

export interface RebuildResult {
  fromYear: number;
  toYear: number;
  asOf: string;
  removed: number;
  inserted: number;
  byBook: { outgoing: number; incoming: number };
}

/**
 * Replaces the register facts of whole years with the registers' content, in one transaction: the
 * figures are then computed from exactly what the registers hold. Every line is checked before
 * anything is changed, so a bad upload leaves the facts as they were.
 */
@Injectable()
export class RebuildService {
  constructor(
    private readonly db: Database,
    private readonly facts: FactsRepository,
  ) {}

  async replace(request: RebuildRequest, lines: AsyncIterable<string>, now: Date = new Date()): Promise<RebuildResult> {
    const years = { from: parseYear('fromYear', request.fromYear), to: parseYear('toYear', request.toYear) };
    if (years.from > years.to) throw new BadRequestException(`the years are reversed: fromYear ${years.from} is after toYear ${years.to}`);
    const asOf = request.asOf === undefined ? now : new Date(request.asOf);
    if (Number.isNaN(asOf.getTime())) throw new BadRequestException(`asOf: "${request.asOf}" is not a time`);
    if (asOf.getTime() > now.getTime() + 60_000) throw new BadRequestException(`asOf ${asOf.toISOString()} is in the future`);

    const facts: RegisterFact[] = [];
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
        throw new BadRequestException(`line ${line}: not JSON (one register entry per line is expected)`);
      }
      let fact: RegisterFact;
      try {
        fact = entryToFact(value, line, years);
      } catch (error) {
        if (error instanceof InvalidEntryError) throw new BadRequestException(error.message);
        throw error;
      }
      if (seen.has(fact.entryId)) throw new BadRequestException(`line ${line}: entry ${fact.entryId} appears twice`);
      seen.add(fact.entryId);
      facts.push(fact);
    }
    const outcome = await this.db.transaction((tx) => this.facts.replaceYears(tx, years, asOf, facts));
    return {
      fromYear: years.from,
      toYear: years.to,
      asOf: asOf.toISOString(),
      ...outcome,
      byBook: { outgoing: facts.filter((f) => f.book === 'outgoing').length, incoming: facts.filter((f) => f.book === 'incoming').length },
    };
  }
}

function parseYear(name: string, text: string | undefined): number {
  if (text === undefined) throw new BadRequestException(`${name} is required (a year such as 2026)`);
  const year = Number(text);
  if (!/^\d{4}$/.test(text) || year < 1990) throw new BadRequestException(`${name}: "${text}" is not a year from 1990 on`);
  return year;
}
