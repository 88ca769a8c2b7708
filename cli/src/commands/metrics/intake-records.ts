import { loadConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { ApiClient } from '../../http/api-client';

/** intake's GET /registers/:book answers at most this many entries (RegistersRepository.list). */
export const REGISTER_PAGE_LIMIT = 100_000;
/** intake's GET /deliveries answers at most this many deliveries (DELIVERY_LEDGER_LIMIT). */
export const DELIVERY_PAGE_LIMIT = 100_000;
export const BOOKS = ['outgoing', 'incoming'] as const;

export interface RegisterEntryJson {
  entryId: string;
  orgCode: string;
  book: string;
  year: number;
  [field: string]: unknown;
}

export interface DeliveryJson {
  deliveryId: string;
  [field: string]: unknown;
}

/**
 * Reads whole register books and the deliveries of whole years from intake with an administrator's
 * token: all units at once, or unit by unit when one answer would be too large, so nothing is
 * silently left out.
 */
export class IntakeRecords {
  constructor(private readonly intake: ApiClient) {}

  book(book: (typeof BOOKS)[number], year: number): Promise<RegisterEntryJson[]> {
    return allOrUnitByUnit(REGISTER_PAGE_LIMIT, `the ${book} register of {unit} for ${year}`, (org) =>
      this.read<RegisterEntryJson>(`/registers/${book}`, 'entries', { year: String(year), ...(org === undefined ? {} : { org }) }),
    );
  }

  deliveries(year: number): Promise<DeliveryJson[]> {
    return allOrUnitByUnit(DELIVERY_PAGE_LIMIT, `the deliveries to {unit} in ${year}`, (recipient) =>
      this.read<DeliveryJson>('/deliveries', 'deliveries', { year: String(year), ...(recipient === undefined ? {} : { recipient }) }),
    );
  }

  private async read<T>(path: string, listName: string, params: Record<string, string>): Promise<T[]> {
    const query = new URLSearchParams(params);
    const answer = await this.intake.json<Record<string, unknown>>('GET', `${path}?${query}`);
    const list = answer[listName];
    if (!Array.isArray(list)) throw new Error(`intake answered GET ${path}?${query} without a ${listName} list`);
    return list as T[];
  }
}

async function allOrUnitByUnit<T>(limit: number, what: string, read: (unit?: string) => Promise<T[]>): Promise<T[]> {
  const all = await read();
  if (all.length < limit) return all;
  const items: T[] = [];
  for (const unit of Directory.fromFile(loadConfig().directoryFile).list()) {
    const mine = await read(unit.code);
    if (mine.length >= limit) throw new Error(`${what.replace('{unit}', unit.code)} has ${limit} items or more: more than intake answers at once`);
    items.push(...mine);
  }
  return items;
}
