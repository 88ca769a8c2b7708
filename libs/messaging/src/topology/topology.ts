import { deadLetterQueueName, UNROUTABLE_ROUTING_KEY } from '../names';

export type ExchangeType = 'topic' | 'direct' | 'fanout';

export interface TopologyExchange {
  name: string;
  type: ExchangeType;
}

export interface TopologyBinding {
  exchange: string;
  routingKey: string;
}

export interface TopologyQueue {
  name: string;
  bindings: TopologyBinding[];
  /** Failed deliveries the broker allows before it dead-letters by itself. Default: topology.deliveryLimit ?? 5. */
  deliveryLimit?: number;
  /**
   * One consumer at a time receives from the queue (x-single-active-consumer): with a prefetch of 1
   * its messages are handled strictly in order, even with several service instances running.
   */
  ordered?: boolean;
}

export interface Topology {
  exchanges: TopologyExchange[];
  queues: TopologyQueue[];
  /** Direct exchange of dead letters, e.g. "edoc.dlx"; queue Q gets "dlq.Q" bound with key Q. */
  deadLetterExchange: string;
  deliveryLimit?: number;
}

/** One queue declaration with its arguments, derived from a topology. */
export interface QueueDeclaration {
  name: string;
  arguments: Record<string, string | number | boolean>;
  bindings: TopologyBinding[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,200}$/;

/** Checks a topology and turns it into the exact queue declarations (DLQs included). */
export function planTopology(topology: Topology): { exchanges: TopologyExchange[]; queues: QueueDeclaration[] } {
  const problems: string[] = [];
  const exchangeNames = new Set<string>();
  const dlx = topology.deadLetterExchange;
  if (!NAME.test(dlx ?? '')) problems.push(`invalid dead-letter exchange name "${dlx}"`);
  for (const exchange of topology.exchanges) {
    if (!NAME.test(exchange.name) || exchange.name.startsWith('amq.')) problems.push(`invalid exchange name "${exchange.name}"`);
    if (!['topic', 'direct', 'fanout'].includes(exchange.type)) problems.push(`exchange ${exchange.name}: type must be topic, direct or fanout`);
    if (exchangeNames.has(exchange.name)) problems.push(`exchange ${exchange.name} listed twice`);
    if (exchange.name === dlx) problems.push(`exchange ${exchange.name} is the dead-letter exchange; do not list it`);
    exchangeNames.add(exchange.name);
  }
  const queueNames = new Set<string>();
  const defaultLimit = topology.deliveryLimit ?? 5;
  const queues: QueueDeclaration[] = [];
  for (const queue of topology.queues) {
    if (!NAME.test(queue.name) || queue.name.startsWith('amq.') || queue.name.startsWith('dlq.')) {
      problems.push(`invalid queue name "${queue.name}" (names starting with amq. or dlq. are reserved)`);
    }
    if (queueNames.has(queue.name)) problems.push(`queue ${queue.name} listed twice`);
    queueNames.add(queue.name);
    const limit = queue.deliveryLimit ?? defaultLimit;
    if (!Number.isInteger(limit) || limit < 1) problems.push(`queue ${queue.name}: deliveryLimit must be a positive integer`);
    for (const binding of queue.bindings) {
      if (!exchangeNames.has(binding.exchange)) problems.push(`queue ${queue.name} is bound to undeclared exchange ${binding.exchange}`);
    }
    queues.push({
      name: deadLetterQueueName(queue.name),
      // A dead-letter queue keeps what it gets: no limit, no further dead-lettering.
      arguments: { 'x-queue-type': 'quorum' },
      bindings: [{ exchange: dlx, routingKey: queue.name }],
    });
    queues.push({
      name: queue.name,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': limit,
        'x-dead-letter-exchange': dlx,
        'x-dead-letter-routing-key': queue.name,
        // At-least-once dead-lettering keeps a message in the source queue until the dead-letter
        // queue has confirmed it; RabbitMQ requires reject-publish overflow for it.
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
        ...(queue.ordered === true ? { 'x-single-active-consumer': true } : {}),
      },
      bindings: queue.bindings,
    });
  }
  queues.unshift({
    name: deadLetterQueueName(UNROUTABLE_ROUTING_KEY),
    arguments: { 'x-queue-type': 'quorum' },
    bindings: [{ exchange: dlx, routingKey: UNROUTABLE_ROUTING_KEY }],
  });
  if (problems.length > 0) throw new Error(`invalid topology: ${problems.join('; ')}`);
  return { exchanges: [...topology.exchanges, { name: dlx, type: 'direct' }], queues };
}
