import type { Directory } from '@edoc/directory';
import { EdocExchanges, Topology, TopologyQueue, wardInboxQueue } from '@edoc/messaging';

import { URGENT_SUFFIX } from './events';

const { events: EVENTS_EXCHANGE, inbox: INBOX_EXCHANGE, status: STATUS_EXCHANGE, deadLetter: DEAD_LETTER_EXCHANGE } = EdocExchanges;
const events = (...keys: string[]) => keys.map((routingKey) => ({ exchange: EVENTS_EXCHANGE, routingKey }));

/** The queue of the urgent path next to a queue. */
export function urgentQueue(queue: string): string {
  return `${queue}${URGENT_SUFFIX}`;
}

/** The queue of every status report; it has no urgent twin. */
export const ROUTING_STATUS_QUEUE = 'routing.status';

/** Queues a service consumes: each of its queues and the urgent twin where one exists. */
export function withUrgentTwins(queues: string[]): string[] {
  return queues.flatMap((queue) => (queue === ROUTING_STATUS_QUEUE ? [queue] : [urgentQueue(queue), queue]));
}

/**
 * The urgent twin of a queue: the same bindings with the urgent suffix. It holds only the few urgent
 * messages, so they are consumed at once instead of waiting behind a backlog of normal ones.
 */
function twin(queue: TopologyQueue): TopologyQueue {
  return { name: urgentQueue(queue.name), bindings: queue.bindings.filter((b) => b.routingKey !== '#').map((b) => ({ exchange: b.exchange, routingKey: `${b.routingKey}${URGENT_SUFFIX}` })) };
}

/**
 * Every exchange, queue and binding of the exchange, declared once by provisioning. Units on
 * the built-in inbox share intake's queue (one binding per unit); each ward system has its own.
 */
export function edocTopology(directory: Directory, deliveryLimit?: number): Topology {
  const builtin = directory.list().filter((org) => org.channel !== 'queue');
  const wards = directory.list().filter((org) => org.channel === 'queue');
  const queues: TopologyQueue[] = [
    { name: 'signing.events', bindings: events('document.submitted', 'document.numbered') },
    { name: 'intake.events', bindings: events('document.person_signed', 'document.issued', 'document.failed', 'delivery.created', 'delivery.status_changed', 'delivery.receipt_overdue') },
    { name: 'intake.inbox', bindings: builtin.map((org) => ({ exchange: INBOX_EXCHANGE, routingKey: org.code })) },
    { name: 'routing.events', bindings: events('document.issued') },
    { name: 'archival.events', bindings: events('#') },
    { name: 'metrics.events', bindings: events('register.recorded', 'document.issued', 'delivery.created', 'delivery.status_changed') },
    ...wards.map((org) => ({ name: wardInboxQueue(org.code), bindings: [{ exchange: INBOX_EXCHANGE, routingKey: org.code }] })),
  ];
  return {
    deadLetterExchange: DEAD_LETTER_EXCHANGE,
    deliveryLimit,
    exchanges: [
      { name: EVENTS_EXCHANGE, type: 'topic' },
      { name: INBOX_EXCHANGE, type: 'direct' },
      { name: STATUS_EXCHANGE, type: 'topic' },
    ],
    queues: [
      ...queues.flatMap((queue) => [queue, twin(queue)]),
      // Every status report, from ward systems and from the built-in inbox, on one ordered queue:
      // 01 then 03 published back to back must be applied in that order.
      { name: ROUTING_STATUS_QUEUE, ordered: true, bindings: [{ exchange: STATUS_EXCHANGE, routingKey: '#' }, { exchange: EVENTS_EXCHANGE, routingKey: 'status.reported' }] },
    ],
  };
}
