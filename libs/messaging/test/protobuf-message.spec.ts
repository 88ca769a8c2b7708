import { create, DocumentFailedSchema, DocumentIssuedSchema, fromBinary } from '@edoc/contracts';
import { EdocTransport, RabbitManagementClient, toOutgoing, validateEdocMessage } from '@edoc/messaging';

const message = create(DocumentFailedSchema, { documentId: 'd-1' });

describe('edoc messages on the wire', () => {
  it('are protobuf with type, id, app, timestamp and persistence', () => {
    const outgoing = toOutgoing(
      { exchange: 'edoc.events', routingKey: 'document.failed', schema: DocumentFailedSchema, message, messageId: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE' },
      { appId: 'signing', timestamp: new Date('2025-03-01T00:00:00Z') },
    );
    expect(outgoing.properties).toEqual(
      expect.objectContaining({
        messageId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
        type: 'edoc.v1.DocumentFailed',
        contentType: 'application/x-protobuf',
        appId: 'signing',
        timestamp: 1740787200,
        persistent: true,
      }),
    );
    expect(fromBinary(DocumentFailedSchema, outgoing.content).documentId).toBe('d-1');
  });

  it('refuse what a consumer could not use', () => {
    const base = { exchange: 'edoc.events', routingKey: 'k', schema: DocumentFailedSchema, message };
    expect(() => validateEdocMessage({ ...base, messageId: 'not-a-uuid' })).toThrow(/messageId must be a UUID/);
    expect(() => validateEdocMessage({ ...base, schema: DocumentIssuedSchema })).toThrow(/message is not a edoc.v1.DocumentIssued/);
    expect(() => validateEdocMessage({ ...base, headers: { 'bad name': 'x' } })).toThrow(/invalid header name/);
    expect(() => validateEdocMessage({ ...base, headers: { n: Number.NaN } })).toThrow(/must be a string or a finite number/);
    expect(() => validateEdocMessage({ ...base, priority: 12 })).toThrow(/priority must be an integer 0..9/);
    expect(() => validateEdocMessage({ ...base, routingKey: 'x'.repeat(256) })).toThrow(/routing key longer than 255 bytes/);
    expect(validateEdocMessage(base)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('configuration errors', () => {
  it('EdocTransport names a bad option', () => {
    const contract = { a: {} };
    expect(() => new EdocTransport({ url: 'amqp://x', queues: [], serviceName: 's', contract })).toThrow(/at least one queue/);
    expect(() => new EdocTransport({ url: 'amqp://x', queues: ['a', 'a'], serviceName: 's', contract })).toThrow(/listed twice/);
    expect(() => new EdocTransport({ url: 'amqp://x', queues: ['a'], serviceName: 's', prefetch: 0, contract })).toThrow(/prefetch must be a positive integer/);
    expect(() => new EdocTransport({ queues: ['a'], serviceName: 's', contract })).toThrow(/needs a url or a connection/);
    expect(() => new EdocTransport({ url: 'amqp://x', queues: ['a', 'b'], serviceName: 's', contract })).toThrow(/the contract says nothing about queue\(s\) b/);
  });

  it('the management client rejects a bad URL without echoing the password', () => {
    let message = '';
    try {
      new RabbitManagementClient('amqp://admin:t0p-secret@host:5672');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/scheme must be http/);
    expect(message).not.toContain('t0p-secret');
  });
});
