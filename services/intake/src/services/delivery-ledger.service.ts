import { BadRequestException, Injectable } from '@nestjs/common';
import { VIETNAM_OFFSET_MS } from '@edoc/contracts';
import { Directory } from '@edoc/directory';
import { DeliveryLedgerRepository, DeliveryLedgerRow } from '../repositories/delivery-ledger.repository';

/** The most deliveries one answer holds; a caller that gets this many asks recipient by recipient. */
export const DELIVERY_LEDGER_LIMIT = 100_000;

export interface DeliveryLedger {
  year: number;
  recipient: string | null;
  limit: number;
  deliveries: DeliveryLedgerRow[];
}

/**
 * Every delivery made in a year (Vietnam time) with its receipt and completion times: what
 * `edoc metrics rebuild` recomputes same-day receipts and on-time handling from.
 */
@Injectable()
export class DeliveryLedgerService {
  constructor(
    private readonly ledger: DeliveryLedgerRepository,
    private readonly directory: Directory,
  ) {}

  async list(query: { year?: string; recipient?: string }): Promise<DeliveryLedger> {
    if (query.year === undefined) throw new BadRequestException('year is required (a year such as 2026)');
    const year = Number(query.year);
    if (!/^\d{4}$/.test(query.year) || year < 1990) throw new BadRequestException(`year: "${query.year}" is not a year from 1990 on`);
    const recipient = query.recipient;
    if (recipient !== undefined && !this.directory.has(recipient)) throw new BadRequestException(`recipient: unknown organisation "${recipient}"`);
    const from = new Date(Date.UTC(year, 0, 1) - VIETNAM_OFFSET_MS);
    const to = new Date(Date.UTC(year + 1, 0, 1) - VIETNAM_OFFSET_MS);
    const deliveries = await this.ledger.list({ from, to, recipientCode: recipient, limit: DELIVERY_LEDGER_LIMIT });
    return { year, recipient: recipient ?? null, limit: DELIVERY_LEDGER_LIMIT, deliveries };
  }
}
