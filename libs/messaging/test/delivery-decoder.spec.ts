import { create, DocumentFailedSchema, DocumentIssuedSchema, PROTOBUF_CONTENT_TYPE, StatusReportSchema, toBinary } from '@edoc/contracts';
import { decodeDelivery, type QueueContract } from '@edoc/messaging';

const body = Buffer.from(toBinary(DocumentFailedSchema, create(DocumentFailedSchema, { documentId: 'd-1', reason: 'x' })));
const good = { messageId: 'm-1', type: DocumentFailedSchema.typeName, contentType: PROTOBUF_CONTENT_TYPE, userId: 'edoc-signing' };
const contract: QueueContract = {
  'routing.status': {
    [DocumentFailedSchema.typeName]: ['edoc-signing', 'edoc-intake'],
    [DocumentIssuedSchema.typeName]: ['edoc-signing'],
    // A ward reports only for itself: its user is named after the code in the report.
    [StatusReportSchema.typeName]: (message) => [`ward-${(message as unknown as { fromCode: string }).fromCode}`],
  },
};
const options = { maxMessageBytes: 1024, queue: 'routing.status', contract, serviceName: 'routing', hasHandler: (type: string) => type !== DocumentIssuedSchema.typeName };
const report = (fromCode: string) => Buffer.from(toBinary(StatusReportSchema, create(StatusReportSchema, { fromCode, deliveryId: 'x' })));

describe('decodeDelivery', () => {
  it('decodes a well-formed delivery with the schema its type names', () => {
    const result = decodeDelivery({ content: body, properties: good }, options);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.messageId).toBe('m-1');
    expect(result.schema).toBe(DocumentFailedSchema);
    expect((result.message as unknown as { documentId: string }).documentId).toBe('d-1');
  });

  it.each([
    ['an oversized body', { content: Buffer.alloc(2048), properties: good }, 'malformed', /body of 2048 bytes exceeds the limit of 1024 bytes/],
    ['no messageId', { content: body, properties: { ...good, messageId: undefined } }, 'malformed', /missing messageId/],
    ['a messageId with a NUL byte', { content: body, properties: { ...good, messageId: 'm\u0000-1' } }, 'malformed', /messageId must be at most 200 printable characters/],
    ['a messageId of 300 characters', { content: body, properties: { ...good, messageId: 'm'.repeat(300) } }, 'malformed', /messageId must be at most 200/],
    ['no type', { content: body, properties: { ...good, type: '' } }, 'malformed', /missing type property/],
    ['a JSON body', { content: body, properties: { ...good, contentType: 'application/json' } }, 'malformed', /content type application\/json is not application\/x-protobuf/],
    ['a type the queue does not take', { content: body, properties: { ...good, type: 'edoc.v1.Nope' } }, 'type_not_accepted', /^type edoc.v1.Nope is not accepted on queue routing.status$/],
    ['a publisher that does not own the type', { content: body, properties: { ...good, userId: 'ward-000.32.13.H26' } }, 'wrong_publisher', /^edoc.v1.DocumentFailed on queue routing.status published by ward-000.32.13.H26, expected edoc-signing or edoc-intake$/],
    ['no user id at all', { content: body, properties: { ...good, userId: undefined } }, 'wrong_publisher', /published by \(no user id\), expected edoc-signing or edoc-intake$/],
    ['a type without handler', { content: body, properties: { ...good, type: DocumentIssuedSchema.typeName } }, 'no_handler', /service routing has no handler for edoc.v1.DocumentIssued/],
    ['a malformed body', { content: Buffer.from([0xff, 0xff, 0xff, 0xff]), properties: good }, 'malformed', /malformed protobuf body for edoc.v1.DocumentFailed/],
    ['a ward reporting for another ward', { content: report('000.32.13.H27'), properties: { ...good, type: StatusReportSchema.typeName, userId: 'ward-000.32.13.H26' } }, 'wrong_publisher', /published by ward-000.32.13.H26, expected ward-000.32.13.H27$/],
  ])('names the problem of %s', (_label, delivery, kind, reason) => {
    const result = decodeDelivery(delivery, options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.kind).toBe(kind);
    expect(result.reason).toMatch(reason);
  });

  it('checks the publisher before it parses the body: a stranger\u2019s bytes are never decoded', () => {
    const result = decodeDelivery({ content: Buffer.from([0xff, 0xff, 0xff, 0xff]), properties: { ...good, userId: 'ward-000.32.13.H26' } }, options);
    expect(result).toMatchObject({ ok: false, kind: 'wrong_publisher' });
  });

  it('lets a ward report for itself', () => {
    expect(decodeDelivery({ content: report('000.32.13.H26'), properties: { ...good, type: StatusReportSchema.typeName, userId: 'ward-000.32.13.H26' } }, options).ok).toBe(true);
  });

  it('accepts a delivery without content type (ward systems may omit it)', () => {
    expect(decodeDelivery({ content: body, properties: { ...good, contentType: undefined } }, options).ok).toBe(true);
  });
});
