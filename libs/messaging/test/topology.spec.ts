import { planTopology, wardPermissions } from '@edoc/messaging';

const base = {
  exchanges: [
    { name: 'edoc.events', type: 'topic' as const },
    { name: 'edoc.inbox', type: 'direct' as const },
  ],
  deadLetterExchange: 'edoc.dlx',
};

describe('planTopology', () => {
  it('makes every queue a quorum queue with delivery limit, at-least-once dead-lettering and its own DLQ', () => {
    const plan = planTopology({
      ...base,
      deliveryLimit: 7,
      queues: [
        { name: 'routing.events', bindings: [{ exchange: 'edoc.events', routingKey: 'document.issued' }] },
        { name: 'inbox.000.00.01.H41', bindings: [{ exchange: 'edoc.inbox', routingKey: '000.00.01.H41' }], deliveryLimit: 3 },
      ],
    });
    expect(plan.exchanges).toContainEqual({ name: 'edoc.dlx', type: 'direct' });
    const routing = plan.queues.find((queue) => queue.name === 'routing.events');
    expect(routing?.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 7,
      'x-dead-letter-exchange': 'edoc.dlx',
      'x-dead-letter-routing-key': 'routing.events',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(plan.queues.find((queue) => queue.name === 'inbox.000.00.01.H41')?.arguments['x-delivery-limit']).toBe(3);
    expect(plan.queues.find((queue) => queue.name === 'dlq.routing.events')).toEqual({
      name: 'dlq.routing.events',
      arguments: { 'x-queue-type': 'quorum' },
      bindings: [{ exchange: 'edoc.dlx', routingKey: 'routing.events' }],
    });
    expect(plan.queues.find((queue) => queue.name === 'dlq.unroutable')?.bindings).toEqual([{ exchange: 'edoc.dlx', routingKey: 'unroutable' }]);
  });

  it('lists every problem of a bad topology at once', () => {
    expect(() =>
      planTopology({
        ...base,
        queues: [
          { name: 'a', bindings: [{ exchange: 'edoc.nowhere', routingKey: 'x' }] },
          { name: 'a', bindings: [], deliveryLimit: 0 },
          { name: 'dlq.sneaky', bindings: [] },
        ],
      }),
    ).toThrow(
      /queue a is bound to undeclared exchange edoc.nowhere.*queue a listed twice.*deliveryLimit must be a positive integer.*invalid queue name "dlq.sneaky"/,
    );
  });
});

describe('wardPermissions', () => {
  const { permissions, topic } = wardPermissions('000.00.01.H41');
  const matches = (pattern: string, value: string) => new RegExp(pattern).test(value);

  it('lets the ward read exactly its own inbox queue', () => {
    expect(matches(permissions.read, 'inbox.000.00.01.H41')).toBe(true);
    expect(matches(permissions.read, 'inbox.000.00.02.H41')).toBe(false);
    expect(matches(permissions.read, 'inbox.000x00x01xH41')).toBe(false);
    expect(matches(permissions.read, 'inbox.000.00.01.H41.extra')).toBe(false);
  });

  it('lets it write only to edoc.status, only with its own code, and configure nothing', () => {
    expect(matches(permissions.write, 'edoc.status')).toBe(true);
    expect(matches(permissions.write, 'edoc.inbox')).toBe(false);
    expect(matches(permissions.write, 'edocXstatus')).toBe(false);
    expect(topic).toEqual(expect.objectContaining({ exchange: 'edoc.status' }));
    expect(matches(topic.write, '000.00.01.H41')).toBe(true);
    expect(matches(topic.write, '000.00.02.H41')).toBe(false);
    expect(matches(permissions.configure, 'anything')).toBe(false);
    expect(matches(permissions.configure, '')).toBe(true);
  });

  it('refuses a code that would widen the patterns', () => {
    expect(() => wardPermissions('.*')).toThrow(/invalid ward code/);
    expect(() => wardPermissions('a|b')).toThrow(/invalid ward code/);
  });
});
