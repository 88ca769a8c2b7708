import { deliveryToFact } from '../src/domain/delivery-entry';
import { InvalidEntryError } from '../src/domain/entry-fields';

const YEARS = { from: 2026, to: 2026 };
const DELIVERY = {
  deliveryId: '5b0f4a8e-2c1d-4e6f-8a9b-0c1d2e3f4a5b',
  documentId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  senderCode: '000.00.13.H26',
  recipientCode: '000.31.13.H26',
  channel: 'builtin',
  // 00:30 on 1 January 2026 in Vietnam, still 2025 in UTC.
  createdAt: '2025-12-31T17:30:00.000Z',
  dueDate: '2026-01-15',
  firstReceiptAt: '2025-12-31T17:31:00.000Z',
  completedAt: null,
  status: 3,
  statusSequence: 2,
};

describe("a delivery from intake's ledger as a fact", () => {
  it('keeps the times that count, on the Vietnam day of its creation', () => {
    expect(deliveryToFact(DELIVERY, 1, YEARS)).toEqual({
      deliveryId: DELIVERY.deliveryId,
      documentId: DELIVERY.documentId,
      senderCode: DELIVERY.senderCode,
      recipientCode: DELIVERY.recipientCode,
      channel: 'builtin',
      createdAt: new Date(DELIVERY.createdAt),
      createdDate: '2026-01-01',
      dueDate: '2026-01-15',
      firstReceiptAt: new Date(DELIVERY.firstReceiptAt),
      completedAt: null,
      lastStatus: 3,
      lastSequence: 2,
    });
  });

  it('takes a delivery with no report yet', () => {
    const fact = deliveryToFact({ ...DELIVERY, firstReceiptAt: null, status: null, statusSequence: 0, dueDate: null }, 1, YEARS);
    expect([fact.firstReceiptAt, fact.lastStatus, fact.lastSequence, fact.dueDate]).toEqual([null, null, 0, null]);
  });

  it.each([
    [{ deliveryId: 'not-a-uuid' }, 'line 4: deliveryId "not-a-uuid" is not a UUID'],
    [{ createdAt: undefined }, 'line 4: createdAt is missing'],
    [{ createdAt: '2025-12-31T16:59:00Z' }, 'line 4: delivery 5b0f4a8e-2c1d-4e6f-8a9b-0c1d2e3f4a5b was made in 2025, outside the years being rebuilt (2026-2026)'],
    [{ dueDate: '2026-02-30' }, 'line 4: dueDate "2026-02-30" is not a yyyy-mm-dd date'],
    [{ completedAt: 'soon' }, 'line 4: completedAt "soon" is not a time'],
    [{ status: 3.5 }, 'line 4: status is not a status code'],
    [{ statusSequence: -1 }, 'line 4: statusSequence is not a whole number'],
    [{ recipientCode: 7 }, 'line 4: recipientCode is not a string'],
  ])('refuses %j, naming the line and the field', (change, message) => {
    const attempt = () => deliveryToFact({ ...DELIVERY, ...change }, 4, YEARS);
    expect(attempt).toThrow(InvalidEntryError);
    expect(attempt).toThrow(message);
  });

  it('refuses what is not an object', () => {
    expect(() => deliveryToFact([DELIVERY], 2, YEARS)).toThrow('line 2: not a JSON object');
  });
});
