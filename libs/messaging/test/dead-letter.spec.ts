import type { Message } from 'amqplib';
import { deadLetterCopy, describeDeadLetter, isEdocServiceUser, originalPublisher, replayHeaders, replayTarget } from '@edoc/messaging';

function message(properties: Record<string, unknown>, content = Buffer.from('body')): Message {
  return {
    content,
    fields: { deliveryTag: 1, redelivered: false, exchange: 'edoc.dlx', routingKey: 'routing.events' } as Message['fields'],
    properties: { headers: {}, ...properties } as Message['properties'],
  };
}

describe('deadLetterCopy', () => {
  it('keeps the message and adds why, where from and by whom; user_id becomes a header', () => {
    const copy = deadLetterCopy(
      {
        content: Buffer.from('x'),
        properties: {
          messageId: 'm-1',
          type: 'edoc.v1.StatusReport',
          appId: 'ward',
          userId: 'ward-h41',
          timestamp: 1700000000,
          headers: { 'x-delivery-count': 4, trace: 'abc' },
        },
      },
      { reason: 'boom\n  at stack', queue: 'routing.status', attempts: 5, exchange: 'edoc.status', routingKey: 'H41', deadLetteredBy: 'routing', at: new Date('2025-01-02T03:04:05Z') },
      'edoc.dlx',
      'routing.status',
    );
    expect(copy.exchange).toBe('edoc.dlx');
    expect(copy.routingKey).toBe('routing.status');
    expect(copy.properties).toEqual(
      expect.objectContaining({ messageId: 'm-1', type: 'edoc.v1.StatusReport', appId: 'ward', timestamp: 1700000000, persistent: true }),
    );
    expect(copy.properties.userId).toBeUndefined();
    expect(copy.properties.headers).toEqual({
      trace: 'abc',
      'x-edoc-reason': 'boom at stack',
      'x-edoc-queue': 'routing.status',
      'x-edoc-attempts': 5,
      'x-edoc-exchange': 'edoc.status',
      'x-edoc-routing-key': 'H41',
      'x-edoc-dead-lettered-at': '2025-01-02T03:04:05.000Z',
      'x-edoc-dead-lettered-by': 'routing',
      'x-edoc-user-id': 'ward-h41',
    });
  });

  it('caps a huge reason', () => {
    const copy = deadLetterCopy({ content: Buffer.alloc(0), properties: { messageId: 'm' } }, { reason: 'x'.repeat(5000), exchange: 'e', routingKey: 'k', deadLetteredBy: 's' }, 'd', 'k');
    expect(String((copy.properties.headers as Record<string, unknown>)['x-edoc-reason']).length).toBe(1000);
  });
});

describe('describeDeadLetter', () => {
  it('reads the edoc headers', () => {
    const letter = describeDeadLetter(
      message({ messageId: 'm-1', type: 'edoc.v1.DocumentIssued', headers: { 'x-edoc-reason': 'bad', 'x-edoc-queue': 'routing.events', 'x-edoc-attempts': 5, 'x-edoc-exchange': 'edoc.events', 'x-edoc-routing-key': 'document.issued' } }),
      'dlq.routing.events',
    );
    expect(letter).toEqual(
      expect.objectContaining({ id: 'dlq.routing.events/m-1', reason: 'bad', queue: 'routing.events', attempts: 5, exchange: 'edoc.events', routingKey: 'document.issued', replayCount: 0, size: 4 }),
    );
    expect(replayTarget(letter)).toEqual({ exchange: '', routingKey: 'routing.events' });
  });

  it('falls back to the broker’s x-death record', () => {
    const letter = describeDeadLetter(
      message({
        messageId: 'm-2',
        headers: {
          'x-first-death-queue': 'inbox.H41',
          'x-first-death-reason': 'delivery_limit',
          'x-death': [{ reason: 'delivery_limit', queue: 'inbox.H41', exchange: 'edoc.inbox', 'routing-keys': ['H41'], count: 1 }],
        },
      }),
      'dlq.inbox.H41',
    );
    expect(letter).toEqual(expect.objectContaining({ reason: 'broker: delivery_limit', queue: 'inbox.H41', exchange: 'edoc.inbox', routingKey: 'H41', deadLetteredBy: 'broker' }));
  });

  it('sends an unroutable message back to its exchange and key, and gives an id to one without messageId', () => {
    const letter = describeDeadLetter(message({ headers: { 'x-edoc-reason': 'unroutable: edoc.events/x', 'x-edoc-exchange': 'edoc.events', 'x-edoc-routing-key': 'x' } }), 'dlq.unroutable');
    expect(letter.id).toMatch(/^dlq\.unroutable\/sha256-[0-9a-f]{16}$/);
    expect(replayTarget(letter)).toEqual({ exchange: 'edoc.events', routingKey: 'x' });
    expect(() => replayTarget(describeDeadLetter(message({}), 'dlq.q'))).toThrow(/does not say where it came from/);
  });

  it('strips the dead-letter record from a replayed copy and counts the replay', () => {
    expect(
      replayHeaders(
        { trace: 't', 'x-edoc-reason': 'r', 'x-edoc-queue': 'q', 'x-death': [], 'x-first-death-queue': 'q', 'x-delivery-count': 3, 'x-edoc-replay-count': 1 },
        1,
      ),
    ).toEqual({ trace: 't', 'x-edoc-replay-count': 2 });
  });
});

describe('who published a dead letter first (what a replay publishes it as)', () => {
  const isService = (user: string) => isEdocServiceUser(user, 'district');
  const forged = { 'x-edoc-user-id': 'edoc-signing@district', 'x-edoc-dead-lettered-by': 'routing' };

  it("takes the original's user id from the copy an edoc service made, which carries that service's own", () => {
    const copy = deadLetterCopy(
      { content: Buffer.from('x'), properties: { messageId: 'm', userId: 'edoc-signing@district', headers: {} } },
      { reason: 'r', exchange: 'edoc.events', routingKey: 'document.issued', deadLetteredBy: 'routing' },
      'edoc.dlx',
      'routing.events',
      'edoc-routing@district',
    );
    expect(copy.properties.userId).toBe('edoc-routing@district');
    expect(originalPublisher(copy.properties, isService)).toBe('edoc-signing@district');
  });

  it('never believes an x-edoc header a publisher wrote itself', () => {
    // A ward's message with forged headers, copied by a service: the forged ones are dropped.
    const copy = deadLetterCopy(
      { content: Buffer.from('x'), properties: { messageId: 'm', headers: { ...forged, 'x-edoc-replay-count': 2 } } },
      { reason: 'r', exchange: 'edoc.status', routingKey: 'H26', deadLetteredBy: 'routing' },
      'edoc.dlx',
      'routing.status',
      'edoc-routing@district',
    );
    expect(copy.properties.headers?.['x-edoc-user-id']).toBeUndefined();
    expect(copy.properties.headers?.['x-edoc-replay-count']).toBe(2);
    expect(originalPublisher(copy.properties, isService)).toBeUndefined();
    // The same message dead-lettered by the broker keeps its own, validated user id.
    expect(originalPublisher({ userId: 'ward-000.32.13.H26@district', headers: forged }, isService)).toBe('ward-000.32.13.H26@district');
    expect(originalPublisher({ headers: forged }, isService)).toBeUndefined();
  });

  it('knows the users of edoc services by name and vhost; a ward user never is one', () => {
    expect(isEdocServiceUser('edoc-intake@district', 'district')).toBe(true);
    expect(isEdocServiceUser('edoc-intake', '/')).toBe(true);
    expect(isEdocServiceUser('edoc-intake@other', 'district')).toBe(false);
    expect(isEdocServiceUser('edoc-intake', 'district')).toBe(false);
    expect(isEdocServiceUser('ward-000.32.13.H26@district', 'district')).toBe(false);
    expect(isEdocServiceUser('guest', '/')).toBe(false);
  });
});
