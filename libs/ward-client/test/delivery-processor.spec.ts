import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusinessType, create, ReportRefusedSchema, StatusCode, toBinary, DeliverySchema } from '@edoc/contracts';
import { DeliveryProcessor, JsonLinesDeliveryJournal, MemoryDeliveryJournal, RejectDeliveryError, type ReceivedDocument } from '@edoc/ward-client';
import { FakeFileSource, FakeStatusSink, fileRefOf, incoming, makeDelivery, pdfBytes, WARD } from './support/deliveries';

function setup() {
  const files = new FakeFileSource();
  const status = new FakeStatusSink();
  const journal = new MemoryDeliveryJournal();
  const stored: ReceivedDocument[] = [];
  let handlerFailure: Error | undefined;
  const processor = new DeliveryProcessor({
    code: WARD,
    files,
    status,
    journal,
    handler: async (document) => {
      if (handlerFailure !== undefined) throw handlerFailure;
      stored.push(document);
    },
  });
  return { files, status, journal, stored, processor, failHandler: (error: Error | undefined) => (handlerFailure = error) };
}

describe('DeliveryProcessor: the duplicate filter', () => {
  it('hands a delivery to the handler once, acks every copy, and repeats the 01 of a copy under its first message id', async () => {
    const { files, status, stored, processor } = setup();
    const pdf = pdfBytes('Công văn 01/UBND-VP');
    files.add(pdf);
    const delivery = makeDelivery(pdf);
    const message = incoming(delivery);

    const first = await processor.process(message);
    const redelivered = await processor.process(message);

    expect(first).toMatchObject({ action: 'ack', kind: 'delivered', resumed: false });
    expect(redelivered).toMatchObject({ action: 'ack', kind: 'duplicate' });
    expect(stored).toHaveLength(1);
    expect(stored[0].file.equals(pdf)).toBe(true);
    // edoc drops the repeat (it knows the id), unless it lost the first one in a restore.
    const arrived = { deliveryId: delivery.deliveryId, documentId: delivery.documentId, status: StatusCode.ARRIVED, messageId: expect.any(String) };
    expect(status.reports).toEqual([arrived, arrived]);
    expect(status.reports[1]!.messageId).toBe(status.reports[0]!.messageId);
  });

  it('retries a copy whose repeated 01 is not confirmed', async () => {
    const { files, status, processor } = setup();
    const pdf = pdfBytes('Công văn 04/UBND-VP');
    files.add(pdf);
    const message = incoming(makeDelivery(pdf));
    await processor.process(message);
    status.failNext = 1;
    expect(await processor.process(message)).toMatchObject({ action: 'retry', reason: expect.stringContaining('the repeated 01 report was not confirmed') });
  });

  it('drops the same delivery republished under a new message id', async () => {
    const { files, stored, processor } = setup();
    const pdf = pdfBytes('Thông báo 02/TB-UBND');
    files.add(pdf);
    const delivery = makeDelivery(pdf);
    await processor.process(incoming(delivery));
    expect(await processor.process(incoming(delivery))).toMatchObject({ action: 'ack', kind: 'duplicate' });
    expect(stored).toHaveLength(1);
  });

  it('keeps two deliveries of the same file apart', async () => {
    const { files, stored, processor } = setup();
    const pdf = pdfBytes('Kế hoạch 03/KH-UBND');
    files.add(pdf);
    await processor.process(incoming(makeDelivery(pdf)));
    await processor.process(incoming(makeDelivery(pdf)));
    expect(stored).toHaveLength(2);
  });

  it('treats a recall of a delivery as new, and reports no 01 for it', async () => {
    const { files, status, stored, processor } = setup();
    const pdf = pdfBytes('Quyết định 04/QĐ-UBND');
    files.add(pdf);
    const delivery = makeDelivery(pdf);
    await processor.process(incoming(delivery));
    const recall = makeDelivery(pdf, { deliveryId: delivery.deliveryId, documentId: delivery.documentId, businessType: BusinessType.RECALL });
    expect(await processor.process(incoming(recall))).toMatchObject({ action: 'ack', kind: 'delivered' });
    expect(stored).toHaveLength(2);
    expect(status.reports).toHaveLength(1);
  });

  it('after an unconfirmed 01, resumes without storing again and re-sends 01 under the same message id', async () => {
    const { files, status, stored, processor } = setup();
    const pdf = pdfBytes('Báo cáo 05/BC-UBND');
    files.add(pdf);
    const message = incoming(makeDelivery(pdf));
    status.failNext = 1;

    const failed = await processor.process(message);
    expect(failed).toMatchObject({ action: 'retry', reason: expect.stringContaining('the 01 report was not confirmed') });
    const resumed = await processor.process(message);

    expect(resumed).toMatchObject({ action: 'ack', kind: 'delivered', resumed: true });
    expect(stored).toHaveLength(1);
    expect(status.reports).toHaveLength(1);
    expect(status.reports[0].messageId).toBe(resumed.action === 'ack' && resumed.kind === 'delivered' ? resumed.arrivedReportId : 'unreachable');
  });
});

describe('DeliveryProcessor with the file journal, across a restart', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ward-processor-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('neither stores again nor reports under a new id what an earlier process took in', async () => {
    const files = new FakeFileSource();
    const status = new FakeStatusSink();
    const pdf = pdfBytes('Quyết định 11/QĐ-UBND');
    files.add(pdf);
    const stored: string[] = [];
    const handler = async (document: ReceivedDocument) => {
      stored.push(document.delivery.deliveryId);
    };
    const takenDelivery = makeDelivery(pdf);
    const taken = incoming(takenDelivery);
    const crashed = incoming(makeDelivery(pdf));

    const before = await JsonLinesDeliveryJournal.open(join(dir, 'journal.jsonl'));
    const first = new DeliveryProcessor({ code: WARD, files, status, journal: before, handler });
    expect(await first.process(taken)).toMatchObject({ kind: 'delivered' });
    status.failNext = 1; // the process "dies" after storing this one, before 01 is confirmed
    expect(await first.process(crashed)).toMatchObject({ action: 'retry' });
    await before.close();

    const after = await JsonLinesDeliveryJournal.open(join(dir, 'journal.jsonl'));
    const second = new DeliveryProcessor({ code: WARD, files, status, journal: after, handler });
    expect(await second.process(taken)).toMatchObject({ action: 'ack', kind: 'duplicate' });
    expect(await second.process(crashed)).toMatchObject({ action: 'ack', kind: 'delivered', resumed: true });
    await after.close();

    expect(stored).toHaveLength(2);
    // taken: its 01, then the same 01 repeated; crashed: one 01, re-sent under the id it was first given.
    expect(new Set(status.reports.map((r) => r.messageId)).size).toBe(2);
    expect(status.reports.filter((r) => r.deliveryId === takenDelivery.deliveryId).map((r) => r.messageId)).toEqual([status.reports[0]!.messageId, status.reports[0]!.messageId]);
  });
});

describe('DeliveryProcessor: the file check', () => {
  it('never hands over bytes whose SHA-256 differs from the claim check, and retries', async () => {
    const { files, status, stored, processor } = setup();
    const pdf = pdfBytes('Chỉ thị 06/CT-UBND');
    const delivery = makeDelivery(pdf);
    const tampered = Buffer.from(pdf);
    tampered[12] ^= 0x01;
    files.files.set(delivery.file!.sha256, tampered);

    const outcome = await processor.process(incoming(delivery));

    expect(outcome).toMatchObject({ action: 'retry', reason: expect.stringMatching(/document file: the bytes have SHA-256 [0-9a-f]{64}, the claim check says/) });
    expect(stored).toHaveLength(0);
    expect(status.reports).toHaveLength(0);
  });

  it('retries when the server serves a body of another size', async () => {
    const { files, stored, processor } = setup();
    const pdf = pdfBytes('Tờ trình 07/TTr-UBND');
    const delivery = makeDelivery(pdf);
    files.files.set(delivery.file!.sha256, pdf.subarray(0, 5));
    expect(await processor.process(incoming(delivery))).toMatchObject({ action: 'retry', reason: expect.stringContaining(`got 5 bytes, the claim check says ${pdf.length}`) });
    expect(stored).toHaveLength(0);
  });

  it('checks each attachment too, and hands them over with the document', async () => {
    const { files, stored, processor } = setup();
    const pdf = pdfBytes('Kế hoạch 08/KH-UBND');
    const annex = pdfBytes('Phụ lục');
    files.add(pdf);
    const delivery = makeDelivery(pdf, { attachments: [fileRefOf(annex, 'phu-luc.pdf')] });
    expect(await processor.process(incoming(delivery))).toMatchObject({ action: 'retry', reason: expect.stringContaining('404') });
    files.add(annex);
    expect(await processor.process(incoming(delivery))).toMatchObject({ action: 'ack', kind: 'delivered' });
    expect(stored[0].attachments.map((a) => a.bytes.toString())).toEqual([annex.toString()]);
  });

  it('retries after a failed download, then delivers', async () => {
    const { files, stored, processor } = setup();
    const pdf = pdfBytes('Giấy mời 09/GM-UBND');
    files.add(pdf);
    files.failNext = 1;
    const message = incoming(makeDelivery(pdf));
    expect(await processor.process(message)).toMatchObject({ action: 'retry', reason: 'connection refused' });
    expect(await processor.process(message)).toMatchObject({ action: 'ack', kind: 'delivered' });
    expect(stored).toHaveLength(1);
  });
});

describe('DeliveryProcessor: messages that can never be processed', () => {
  it.each([
    ['a body that is not protobuf', () => ({ ...incoming(makeDelivery(pdfBytes('x'))), content: Buffer.from([0xff, 0xff, 0xff]) }), 'is not a protobuf edoc.v1.Delivery'],
    ['another message type', () => ({ ...incoming(makeDelivery(pdfBytes('x'))), type: 'edoc.v1.StatusReport' }), 'message type "edoc.v1.StatusReport" is not edoc.v1.Delivery'],
    ['another recipient', () => incoming(makeDelivery(pdfBytes('x'), { recipientCode: '000.33.13.H26' })), 'is addressed to 000.33.13.H26, not to 000.32.13.H26'],
    ['a delivery id that is not a UUID', () => incoming(makeDelivery(pdfBytes('x'), { deliveryId: 'abc' })), 'delivery id "abc" is not a UUID'],
    ['no file', () => ({ ...incoming(makeDelivery(pdfBytes('x'))), content: Buffer.from(toBinary(DeliverySchema, { ...makeDelivery(pdfBytes('x')), file: undefined })) }), 'document file: no file reference'],
  ])('rejects %s without fetching anything', async (_name, build, reason) => {
    const { files, status, stored, processor } = setup();
    const outcome = await processor.process(build());
    expect(outcome).toMatchObject({ action: 'reject', reason: expect.stringContaining(reason) });
    expect(files.requests).toEqual([]);
    expect(stored).toEqual([]);
    expect(status.reports).toEqual([]);
  });

  it('rejects when the handler refuses the document for good, and retries when it fails otherwise', async () => {
    const { files, processor, failHandler, journal } = setup();
    const pdf = pdfBytes('Công văn 10/UBND-VP');
    files.add(pdf);
    const delivery = makeDelivery(pdf);
    failHandler(new Error('database is down'));
    expect(await processor.process(incoming(delivery))).toMatchObject({ action: 'retry', reason: "the ward's handler failed: database is down" });
    failHandler(new RejectDeliveryError('document type not handled by this ward'));
    expect(await processor.process(incoming(delivery))).toMatchObject({ action: 'reject', reason: "refused by the ward's handler: document type not handled by this ward" });
    expect(journal.get(delivery.deliveryId)).toBeUndefined();
  });
});

describe('DeliveryProcessor: a report edoc refused', () => {
  const notice = (fromCode: string) => ({
    content: Buffer.from(toBinary(ReportRefusedSchema, create(ReportRefusedSchema, { reportMessageId: 'r-1', deliveryId: 'd-1', fromCode, status: StatusCode.COMPLETED, reason: 'delivery d-1: 06 cannot follow 01' }))),
    messageId: 'n-1',
    type: ReportRefusedSchema.typeName,
    urgent: false,
  });

  it('acks the notice with the refusal, and neither fetches, stores nor reports anything', async () => {
    const { files, status, stored, processor } = setup();
    const outcome = await processor.process(notice(WARD));
    expect(outcome).toMatchObject({ action: 'ack', kind: 'report-refused', refusal: { reportMessageId: 'r-1', status: StatusCode.COMPLETED, reason: 'delivery d-1: 06 cannot follow 01' } });
    expect([files.requests, stored, status.reports]).toEqual([[], [], []]);
  });

  it("rejects a notice about another unit's report, and one that does not decode", async () => {
    const { processor } = setup();
    expect(await processor.process(notice('000.33.13.H26'))).toMatchObject({ action: 'reject', reason: expect.stringContaining('not from 000.32.13.H26') });
    expect(await processor.process({ ...notice(WARD), content: Buffer.from([0xff, 0xff, 0xff]) })).toMatchObject({ action: 'reject', reason: expect.stringContaining('is not a protobuf edoc.v1.ReportRefused') });
  });
});
