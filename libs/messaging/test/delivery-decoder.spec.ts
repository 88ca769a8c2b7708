import { create, DocumentFailedSchema, PROTOBUF_CONTENT_TYPE, toBinary } from '@edoc/contracts';
import { decodeDelivery } from '@edoc/messaging';

const body = Buffer.from(toBinary(DocumentFailedSchema, create(DocumentFailedSchema, { documentId: 'd-1', reason: 'x' })));
const good = { messageId: 'm-1', type: DocumentFailedSchema.typeName, contentType: PROTOBUF_CONTENT_TYPE };
const options = { maxMessageBytes: 1024, serviceName: 'routing', hasHandler: (type: string) => type === DocumentFailedSchema.typeName };

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
    ['an oversized body', { content: Buffer.alloc(2048), properties: good }, /body of 2048 bytes exceeds the limit of 1024 bytes/],
    ['no messageId', { content: body, properties: { ...good, messageId: undefined } }, /missing messageId/],
    ['no type', { content: body, properties: { ...good, type: '' } }, /missing type property/],
    ['a JSON body', { content: body, properties: { ...good, contentType: 'application/json' } }, /content type application\/json is not application\/x-protobuf/],
    ['an unknown type', { content: body, properties: { ...good, type: 'edoc.v1.Nope' } }, /unknown message type edoc.v1.Nope/],
    ['a type without handler', { content: body, properties: { ...good, type: 'edoc.v1.DocumentIssued' } }, /service routing has no handler for edoc.v1.DocumentIssued/],
    ['a malformed body', { content: Buffer.from([0xff, 0xff, 0xff, 0xff]), properties: good }, /malformed protobuf body for edoc.v1.DocumentFailed/],
  ])('names the problem of %s', (_label, delivery, reason) => {
    const result = decodeDelivery(delivery, options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(reason);
  });

  it('accepts a delivery without content type (ward systems may omit it)', () => {
    expect(decodeDelivery({ content: body, properties: { ...good, contentType: undefined } }, options).ok).toBe(true);
  });
});
