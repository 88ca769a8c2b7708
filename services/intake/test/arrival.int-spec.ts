import { join } from 'node:path';
import { BuiltinDeliveriesSchema, create, DeliverySchema, fromBinary, RegisterEntriesRecordedSchema, StatusesReportedSchema } from '@edoc/contracts';
import { loadConfig } from '@edoc/config';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { Inbox, Outbox } from '@edoc/messaging';
import { EventOutbox } from '@edoc/runtime';
import type { ObjectStore } from '@edoc/storage';
import { createMigratedTestDatabase, type MigratedTestDatabase } from '@edoc/testing';
import { DeliveriesRepository } from '../src/repositories/deliveries.repository';
import { RegistersRepository } from '../src/repositories/registers.repository';
import { ArrivalService } from '../src/services/arrival.service';

const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26';
const CAU_DEN = '000.35.13.H26';
const FILE = { objectKey: 'sha256/ab', sha256: 'ab', size: 20n, mediaType: 'application/pdf', fileName: 'cong-van.pdf' };

/**
 * Arrivals in a real PostgreSQL: messages handled at the same moment share one transaction, and
 * what users rely on (one incoming number per arrival, consecutive, each 01 announced once for its
 * own document) holds whether they share it or not.
 */
describe('ArrivalService: arrivals of several documents at once (real PostgreSQL)', () => {
  let testDb: MigratedTestDatabase;
  let db: Database;
  let arrivals: ArrivalService;

  /** The claim checks name a file of the size they say; the store answers at once, so calls made together reach the batch together. */
  const store = { stat: () => Promise.resolve({ size: 20 }) } as unknown as ObjectStore;
  let documents = 0;
  const document = (recipients: string[], issuedDate = '2026-12-05') => {
    documents++;
    const documentId = `7d7b0c1e-0000-4000-8000-${String(documents).padStart(12, '0')}`;
    const deliveries = recipients.map((recipientCode, index) =>
      create(DeliverySchema, {
        deliveryId: `7d7b0c1e-0000-4000-9${String(index).padStart(3, '0')}-${String(documents).padStart(12, '0')}`,
        documentId,
        senderCode: DISTRICT,
        recipientCode,
        metadata: { documentId, issuerCode: DISTRICT, typeCode: 'CV', subject: `Công văn ${documents}`, number: documents, notation: 'UBND-VP', issuedDate },
        file: FILE,
      }),
    );
    return { documentId, message: create(BuiltinDeliveriesSchema, { deliveries }), messageId: `arrivals-of-${documentId}` };
  };
  const entries = (documentIds: string[]) =>
    db
      .query<{ document_id: string; org_code: string; number: number; tx: string }>(
        `SELECT document_id, org_code, number, xmin::text AS tx FROM intake.register_entries WHERE document_id = ANY($1::uuid[]) ORDER BY org_code, number`,
        [documentIds],
      )
      .then((result) => result.rows);
  const announced = async (documentIds: string[]) => {
    const { rows } = await db.query<{ message_type: string; body: Buffer }>(`SELECT message_type, body FROM intake.outbox`);
    const reports = rows
      .filter((row) => row.message_type === StatusesReportedSchema.typeName)
      .map((row) => fromBinary(StatusesReportedSchema, row.body).reports)
      .filter((reports) => documentIds.includes(reports[0]?.documentId ?? ''));
    const registered = rows
      .filter((row) => row.message_type === RegisterEntriesRecordedSchema.typeName)
      .map((row) => fromBinary(RegisterEntriesRecordedSchema, row.body).entries)
      .filter((entries) => documentIds.includes(entries[0]?.documentId ?? ''));
    return { reports, registered };
  };
  const lastNumber = async (orgCode: string) =>
    (await db.query<{ last_number: number }>(`SELECT last_number FROM intake.register_counters WHERE org_code = $1 AND book = 'incoming'`, [orgCode])).rows[0]?.last_number ?? 0;

  beforeAll(async () => {
    testDb = await createMigratedTestDatabase({ schema: 'intake', migrations: join(__dirname, '..', 'migrations'), applicationName: 'arrival-test' });
    db = testDb.db;
    const directory = Directory.fromFile(loadConfig().directoryFile);
    arrivals = new ArrivalService(db, new Inbox('intake'), new DeliveriesRepository(db), new RegistersRepository(db), directory, new EventOutbox(new Outbox('intake')), store);
  });

  afterAll(async () => {
    await testDb?.close();
  });

  it('enters the documents that arrive together in one transaction, with consecutive numbers and each document its own 01s', async () => {
    const before = { bachDang: await lastNumber(BACH_DANG), cauDen: await lastNumber(CAU_DEN) };
    const [first, second, third] = [document([BACH_DANG, CAU_DEN]), document([BACH_DANG, CAU_DEN]), document([CAU_DEN, BACH_DANG])];
    // Arrivals of one moment gather (the batch's linger) into one transaction, the first redelivered meanwhile too.
    await Promise.all([
      arrivals.onBuiltinDeliveries(first.message, first.messageId),
      arrivals.onBuiltinDeliveries(second.message, second.messageId),
      arrivals.onBuiltinDeliveries(third.message, third.messageId),
      arrivals.onBuiltinDeliveries(first.message, first.messageId),
    ]);

    const ids = [first.documentId, second.documentId, third.documentId];
    const rows = await entries(ids);
    expect(rows.filter((row) => row.org_code === BACH_DANG).map((row) => row.number)).toEqual([before.bachDang + 1, before.bachDang + 2, before.bachDang + 3]);
    expect(rows.filter((row) => row.org_code === CAU_DEN).map((row) => row.number)).toEqual([before.cauDen + 1, before.cauDen + 2, before.cauDen + 3]);
    expect(await lastNumber(BACH_DANG)).toBe(before.bachDang + 3);
    const transactionOf = (documentId: string) => new Set(rows.filter((row) => row.document_id === documentId).map((row) => row.tx));
    expect(transactionOf(first.documentId).size).toBe(1);
    expect(transactionOf(second.documentId)).toEqual(transactionOf(first.documentId));
    expect(transactionOf(third.documentId)).toEqual(transactionOf(first.documentId));

    const { reports, registered } = await announced(ids);
    expect(reports.map((batch) => batch.map((report) => report.documentId).join(' ')).sort()).toEqual(ids.map((id) => `${id} ${id}`).sort());
    expect(reports.flat().every((report) => report.status === 1 && report.handler === 'edoc built-in inbox')).toBe(true);
    expect(registered.map((batch) => batch.map((entry) => `${entry.documentId} ${entry.orgCode} ${entry.number}`)).flat().sort()).toEqual(
      rows.map((row) => `${row.document_id} ${row.org_code} ${row.number}`).sort(),
    );
    const claims = await db.query(`SELECT 1 FROM intake.inbox WHERE consumer = 'intake.arrivals' AND message_id = ANY($1::text[])`, [[first.messageId, second.messageId, third.messageId]]);
    expect(claims.rowCount).toBe(3);

    // Redelivered later, in a transaction of its own: nothing is entered twice.
    await arrivals.onBuiltinDeliveries(first.message, first.messageId);
    expect(await entries(ids)).toEqual(rows);
  });

  it('fails a bad message alone: the others of its batch are entered, with no number lost to the batch that failed', async () => {
    const before = await lastNumber(BACH_DANG);
    const [lead, good, bad, alsoGood] = [document([BACH_DANG, CAU_DEN]), document([BACH_DANG, CAU_DEN]), document([BACH_DANG, CAU_DEN], '2026-13-45'), document([BACH_DANG, CAU_DEN])];
    const outcomes = await Promise.allSettled([lead, good, bad, alsoGood].map((doc) => arrivals.onBuiltinDeliveries(doc.message, doc.messageId)));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toMatch(/date/);
    const rows = (await entries([lead.documentId, good.documentId, bad.documentId, alsoGood.documentId])).filter((row) => row.org_code === BACH_DANG);
    expect(rows.map((row) => [row.document_id, row.number])).toEqual([
      [lead.documentId, before + 1],
      [good.documentId, before + 2],
      [alsoGood.documentId, before + 3],
    ]);
    const claimed = await db.query(`SELECT 1 FROM intake.inbox WHERE message_id = $1`, [bad.messageId]);
    expect(claimed.rowCount).toBe(0);
    expect((await announced([bad.documentId])).reports).toEqual([]);
  });

  it('enters a delivery once when two messages bring it, and a message applied before changes nothing', async () => {
    const doc = document([BACH_DANG, CAU_DEN]);
    const before = await lastNumber(BACH_DANG);
    await arrivals.onBuiltinDeliveries(doc.message, doc.messageId);
    // The same deliveries again under another message (a resend), and the first message redelivered.
    await Promise.all([arrivals.onBuiltinDeliveries(doc.message, `${doc.messageId}-resent`), arrivals.onBuiltinDeliveries(doc.message, doc.messageId)]);

    expect((await entries([doc.documentId])).map((row) => row.org_code)).toEqual([BACH_DANG, CAU_DEN]);
    expect(await lastNumber(BACH_DANG)).toBe(before + 1);
    expect((await announced([doc.documentId])).reports).toHaveLength(1);
  });
});
