import type { Directory } from '@edoc/directory';
import { EdocExchanges, Topology, wardInboxQueue } from '@edoc/messaging';

const { events: EVENTS_EXCHANGE, inbox: INBOX_EXCHANGE, status: STATUS_EXCHANGE, deadLetter: DEAD_LETTER_EXCHANGE } = EdocExchanges;
const events = (...keys: string[]) => keys.map((routingKey) => ({ exchange: EVENTS_EXCHANGE, routingKey }));

/**
 * Every exchange, queue and binding of the exchange, declared once by provisioning. Units on
 * the built-in inbox share intake's queue (one binding per unit); each ward system has its own.
 */
export function edocTopology(directory: Directory, deliveryLimit?: number): Topology {
  const builtin = directory.list().filter((org) => org.channel !== 'queue');
  const wards = directory.list().filter((org) => org.channel === 'queue');
  return {
    deadLetterExchange: DEAD_LETTER_EXCHANGE,
    deliveryLimit,
    exchanges: [
      { name: EVENTS_EXCHANGE, type: 'topic' },
      { name: INBOX_EXCHANGE, type: 'direct' },
      { name: STATUS_EXCHANGE, type: 'topic' },
    ],
    queues: [
      { name: 'signing.events', bindings: events('document.submitted', 'document.numbered') },
      { name: 'intake.events', bindings: events('document.person_signed', 'document.issued', 'document.failed', 'delivery.created', 'delivery.status_changed') },
      { name: 'intake.inbox', bindings: builtin.map((org) => ({ exchange: INBOX_EXCHANGE, routingKey: org.code })) },
      { name: 'routing.events', bindings: events('document.issued', 'status.reported') },
      { name: 'routing.status', bindings: [{ exchange: STATUS_EXCHANGE, routingKey: '#' }] },
      { name: 'archival.events', bindings: events('document.issued') },
      { name: 'metrics.events', bindings: events('register.recorded', 'document.issued', 'delivery.created', 'delivery.status_changed') },
      ...wards.map((org) => ({ name: wardInboxQueue(org.code), bindings: [{ exchange: INBOX_EXCHANGE, routingKey: org.code }] })),
    ],
  };
}
