import { vietnamDay } from './vietnam-time';
import type { DeliveryFact } from '../repositories/delivery-facts.repository';
import { isDayText, isUuid } from './formats';
import { entryFields } from './entry-fields';

/**
 * One delivery of intake's GET /deliveries answer as a fact. Every field the figures depend on is
 * checked: a rebuild from bad data would replace good figures with wrong ones.
 */
export function deliveryToFact(value: unknown, line: number, years: { from: number; to: number }): DeliveryFact {
  const { entry, fail, text } = entryFields(value, line);
  const uuid = (name: string): string => {
    const id = text(name, true);
    if (!isUuid(id)) fail(`${name} "${id}" is not a UUID`);
    return id;
  };
  const time = (name: string, required: boolean): Date | null => {
    const field = text(name, required);
    if (field === '') return null;
    const at = new Date(field);
    if (Number.isNaN(at.getTime())) fail(`${name} "${field}" is not a time`);
    return at;
  };
  const deliveryId = uuid('deliveryId');
  const documentId = uuid('documentId');
  const createdAt = time('createdAt', true) as Date;
  const createdDate = vietnamDay(createdAt);
  const year = Number(createdDate.slice(0, 4));
  if (year < years.from || year > years.to) fail(`delivery ${deliveryId} was made in ${year}, outside the years being rebuilt (${years.from}-${years.to})`);
  const dueDate = text('dueDate', false);
  if (dueDate !== '' && !isDayText(dueDate)) fail(`dueDate "${dueDate}" is not a yyyy-mm-dd date`);
  const status = entry.status;
  if (status !== undefined && status !== null && (typeof status !== 'number' || !Number.isInteger(status) || status < 1 || status > 99)) fail('status is not a status code');
  const sequence = entry.statusSequence ?? 0;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) fail('statusSequence is not a whole number');
  return {
    deliveryId,
    documentId,
    senderCode: text('senderCode', true),
    recipientCode: text('recipientCode', true),
    channel: text('channel', false),
    createdAt,
    createdDate,
    dueDate: dueDate || null,
    firstReceiptAt: time('firstReceiptAt', false),
    completedAt: time('completedAt', false),
    lastStatus: typeof status === 'number' ? status : null,
    lastSequence: sequence as number,
  };
}
