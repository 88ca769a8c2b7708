import { join } from 'node:path';
import { StatusCode } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { createMigratedTestDatabase, type MigratedTestDatabase } from '@edoc/testing';
import { DeliveriesRepository } from '../src/repositories/deliveries.repository';

const DISTRICT = '000.00.13.H26';
const CITY = '000.00.00.H26';
const DELIVERY = '7d7b0c1e-0000-4000-9000-000000000001';
const DOCUMENT = '7d7b0c1e-0000-4000-8000-000000000001';

describe("a delivery's status history (real PostgreSQL)", () => {
  let testDb: MigratedTestDatabase;
  let db: Database;
  let deliveries: DeliveriesRepository;

  beforeAll(async () => {
    testDb = await createMigratedTestDatabase({ schema: 'intake', migrations: join(__dirname, '..', 'migrations'), applicationName: 'status-history-test' });
    db = testDb.db;
    deliveries = new DeliveriesRepository(db);
  });

  afterAll(async () => {
    await testDb?.close();
  });

  const change = (status: StatusCode, sequence: number, occurredAt: string, reportedBy: string) => ({
    deliveryId: DELIVERY, documentId: DOCUMENT, senderCode: DISTRICT, recipientCode: CITY, status, reportedStatus: status,
    sequence: BigInt(sequence), recallPending: status === StatusCode.RECALL_REQUESTED, reason: '', reportedBy, occurredAt: new Date(occurredAt),
  });

  it('lists statuses in the order routing accepted them, even when an answer from the axis is stamped earlier within its whole second', async () => {
    // The recall is recorded here with milliseconds; the city's answer comes back over edXML, whose
    // times have whole seconds, and so reads as earlier than the recall it answers.
    await db.transaction((tx) =>
      deliveries.applyStatuses(tx, [
        change(StatusCode.ARRIVED, 1, '2026-12-05T08:00:00.000Z', CITY),
        change(StatusCode.RECALL_REQUESTED, 2, '2026-12-05T08:00:05.640Z', DISTRICT),
      ]),
    );
    // Applied apart, and the answer's row written after; its time alone would put it before the recall.
    await db.transaction((tx) => deliveries.applyStatuses(tx, [change(StatusCode.RECALL_AGREED, 3, '2026-12-05T08:00:05.000Z', CITY)]));

    const history = (await deliveries.history([DELIVERY])).get(DELIVERY) ?? [];

    expect(history.map((entry) => entry.status)).toEqual([StatusCode.ARRIVED, StatusCode.RECALL_REQUESTED, StatusCode.RECALL_AGREED]);
    expect(history.map((entry) => entry.occurredAt.toISOString())).toEqual(['2026-12-05T08:00:00.000Z', '2026-12-05T08:00:05.640Z', '2026-12-05T08:00:05.000Z']);
  });
});
