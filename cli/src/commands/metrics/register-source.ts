import { loadConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { ApiClient } from '../../http/api-client';

/** intake's GET /registers/:book answers at most this many entries (RegistersRepository.list). */
export const REGISTER_PAGE_LIMIT = 100_000;
export const BOOKS = ['outgoing', 'incoming'] as const;

export interface RegisterEntryJson {
  entryId: string;
  orgCode: string;
  book: string;
  year: number;
  [field: string]: unknown;
}

/**
 * Reads whole register books from intake with an administrator's token: all units at once, or unit
 * by unit when a book of one year is too large for one answer, so no entry is silently left out.
 */
export class RegisterSource {
  constructor(private readonly intake: ApiClient) {}

  async book(book: (typeof BOOKS)[number], year: number): Promise<RegisterEntryJson[]> {
    const all = await this.read(book, year);
    if (all.length < REGISTER_PAGE_LIMIT) return all;
    const entries: RegisterEntryJson[] = [];
    for (const org of Directory.fromFile(loadConfig().directoryFile).list()) {
      const mine = await this.read(book, year, org.code);
      if (mine.length >= REGISTER_PAGE_LIMIT) throw new Error(`the ${book} register of ${org.code} for ${year} has ${REGISTER_PAGE_LIMIT} entries or more: more than the registers API answers at once`);
      entries.push(...mine);
    }
    return entries;
  }

  private async read(book: string, year: number, org?: string): Promise<RegisterEntryJson[]> {
    const query = new URLSearchParams({ year: String(year), ...(org === undefined ? {} : { org }) });
    const answer = await this.intake.json<{ entries?: RegisterEntryJson[] }>('GET', `/registers/${book}?${query}`);
    if (!Array.isArray(answer.entries)) throw new Error(`intake answered GET /registers/${book}?${query} without an entries list`);
    return answer.entries;
  }
}
