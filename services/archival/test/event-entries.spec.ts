import { create, DeliveryStatusChangedSchema, DocumentIssuedSchema, RegisterEntryRecordedSchema, Medium, RegisterBook, StatusCode, timestampFromDate, MessageTypes, SessionsRevokedSchema, BuiltinDeliveriesSchema, DeliveryStatusesChangedSchema, EdxmlPackageReceivedSchema, EdxmlStatusReceivedSchema, EdxmlStatusOutgoingSchema } from '@edoc/contracts';
import { canonicalJson } from '@edoc/audit';
import { entryForEvent } from '../src/domain/event-entries';
import { LIFECYCLE_EVENT_TYPES } from '../src/handlers/lifecycle.handler';

const RECORDED = new Date('2026-03-02T03:00:00Z');

describe('entryForEvent', () => {
  it('records a recall request with the document, both units, the time it happened and a readable line', () => {
    const event = create(DeliveryStatusChangedSchema, {
      deliveryId: 'd-1',
      documentId: 'doc-1',
      senderCode: '000.00.13.H26',
      recipientCode: '000.31.13.H26',
      status: StatusCode.RECALL_REQUESTED,
      reportedStatus: StatusCode.RECALL_REQUESTED,
      reportedBy: '000.00.13.H26',
      sequence: 3n,
      occurredAt: timestampFromDate(new Date('2026-03-02T02:59:00Z')),
    });
    const entry = entryForEvent(DeliveryStatusChangedSchema, event, 'm-1', RECORDED);
    expect(entry).toMatchObject({
      type: 'delivery.status_changed',
      messageId: 'm-1',
      documentId: 'doc-1',
      orgCodes: ['000.00.13.H26', '000.31.13.H26', '000.00.13.H26'],
      occurredAt: '2026-03-02T02:59:00.000Z',
      recordedAt: '2026-03-02T03:00:00.000Z',
      summary: 'delivery to 000.31.13.H26: status 13 recall requested reported by 000.00.13.H26',
    });
    // uint64 travels as a string, so the payload has a canonical form.
    expect(canonicalJson(entry.payload)).toContain('"sequence":"3"');
  });

  it("records a document's 01s that came together as one entry of its chain, naming every unit and every change", () => {
    const change = (recipientCode: string, at: string) => ({
      deliveryId: `d-${recipientCode}`,
      documentId: 'doc-1',
      senderCode: '000.00.13.H26',
      recipientCode,
      status: StatusCode.ARRIVED,
      reportedStatus: StatusCode.ARRIVED,
      reportedBy: recipientCode,
      sequence: 1n,
      occurredAt: timestampFromDate(new Date(at)),
    });
    const event = create(DeliveryStatusesChangedSchema, { changes: [change('000.31.13.H26', '2026-03-02T02:59:00Z'), change('000.35.13.H26', '2026-03-02T02:59:01Z')] });
    expect(entryForEvent(DeliveryStatusesChangedSchema, event, 'm-4', RECORDED)).toMatchObject({
      type: 'delivery.statuses_changed',
      documentId: 'doc-1',
      orgCodes: ['000.00.13.H26', '000.31.13.H26', '000.35.13.H26'],
      occurredAt: '2026-03-02T02:59:00.000Z',
      summary: 'delivery to 000.31.13.H26: status 01 arrived reported by 000.31.13.H26; delivery to 000.35.13.H26: status 01 arrived reported by 000.35.13.H26',
    });
  });

  it('records a paper registration as such, in the unit it belongs to', () => {
    const event = create(RegisterEntryRecordedSchema, { orgCode: '000.32.13.H26', book: RegisterBook.INCOMING, year: 2026, number: 7, medium: Medium.PAPER, typeCode: 'TB', subject: 'Lịch tiếp dân' });
    const entry = entryForEvent(RegisterEntryRecordedSchema, event, 'm-2', RECORDED);
    expect(entry).toMatchObject({ type: 'register.recorded', documentId: '', orgCodes: ['000.32.13.H26'], occurredAt: RECORDED.toISOString() });
    expect(entry.summary).toBe('paper entry 7/2026 in the incoming register of 000.32.13.H26: TB "Lịch tiếp dân"');
  });

  it('threads an issued document into its chain under the issuer and every recipient', () => {
    const event = create(DocumentIssuedSchema, { metadata: { documentId: 'doc-2', issuerCode: '000.00.13.H26', recipientCodes: ['000.31.13.H26'], edxmlDocumentId: 'X' } });
    expect(entryForEvent(DocumentIssuedSchema, event, 'm-3', RECORDED)).toMatchObject({ type: 'document.issued', documentId: 'doc-2', orgCodes: ['000.00.13.H26', '000.31.13.H26'] });
  });

  it('handles every event type of the events exchange, issued aside; revocations have a queue of their own, built-in deliveries are deliveries', () => {
    // deliveries.builtin carries the deliveries themselves, as the inbox exchange does for ward
    // systems: the trail has them from deliveries.created and each recipient's 01.
    // The axis gateway's messages carry packages and status messages to and from the axis: the
    // trail has what they cause (document.imported, status.reported), not their transport.
    const notRecorded: string[] = [SessionsRevokedSchema.typeName, BuiltinDeliveriesSchema.typeName, EdxmlPackageReceivedSchema.typeName, EdxmlStatusReceivedSchema.typeName, EdxmlStatusOutgoingSchema.typeName];
    const published = Object.values(MessageTypes)
      .filter((m) => m.routingKey !== '' && !notRecorded.includes(m.schema.typeName))
      .map((m) => m.schema.typeName);
    expect([...LIFECYCLE_EVENT_TYPES, DocumentIssuedSchema.typeName].sort()).toEqual(published.sort());
    for (const entry of Object.values(MessageTypes).filter((m) => m.routingKey !== '' && m.schema.typeName !== BuiltinDeliveriesSchema.typeName)) {
      const recorded = entryForEvent(entry.schema, create(entry.schema), 'm', RECORDED);
      expect(recorded.type).toBe(entry.routingKey);
      expect(() => canonicalJson(recorded.payload)).not.toThrow();
    }
  });
});
