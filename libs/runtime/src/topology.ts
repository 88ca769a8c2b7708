import { MessageTypes, type MessageTypeName } from '@edoc/contracts';
import type { Directory } from '@edoc/directory';
import { EdocExchanges, Topology, TopologyBinding, TopologyQueue, wardInboxQueue } from '@edoc/messaging';

import { URGENT_SUFFIX } from './events';
import { queueSpecs, urgentQueue, WARD_INBOX_ACCEPTS } from './message-contract';

const { events: EVENTS_EXCHANGE, inbox: INBOX_EXCHANGE, status: STATUS_EXCHANGE, deadLetter: DEAD_LETTER_EXCHANGE } = EdocExchanges;

/**
 * Where messages of a type arrive for a queue: events under their routing key on the events
 * exchange, deliveries under the recipient's code on the inbox exchange, ward status reports
 * under the ward's code on the status exchange.
 */
function bindingsFor(type: MessageTypeName, recipients: readonly string[], wards: readonly string[]): TopologyBinding[] {
  if (type === 'delivery') return recipients.map((code) => ({ exchange: INBOX_EXCHANGE, routingKey: code }));
  if (type === 'statusReport') return wards.map((code) => ({ exchange: STATUS_EXCHANGE, routingKey: code }));
  return [{ exchange: EVENTS_EXCHANGE, routingKey: MessageTypes[type].routingKey }];
}

function withTwin(name: string, bindings: TopologyBinding[], urgentTwin: boolean, ordered?: boolean): TopologyQueue[] {
  const queue: TopologyQueue = { name, bindings, ...(ordered === true ? { ordered } : {}) };
  if (!urgentTwin) return [queue];
  // The urgent twin holds only the few urgent messages, so they are consumed at once instead of
  // waiting behind a backlog of normal ones.
  return [queue, { name: urgentQueue(name), bindings: bindings.map((b) => ({ exchange: b.exchange, routingKey: `${b.routingKey}${URGENT_SUFFIX}` })) }];
}

/**
 * Every exchange, queue and binding of the exchange, derived from the message contract and the
 * directory, declared once by provisioning. A queue is bound for exactly the types it takes: units
 * on the built-in inbox share intake's queue (one binding per unit), outside organs the gateway's,
 * each ward system has its own,
 * and the status exchange reaches routing only under the codes of ward systems.
 */
export function edocTopology(directory: Directory, deliveryLimit?: number): Topology {
  const codesOf = (channel: string) => directory.list().filter((org) => org.channel === channel).map((org) => org.code);
  const recipients = { builtin: codesOf('builtin'), axis: codesOf('axis') };
  const wards = codesOf('queue');
  const serviceQueues = queueSpecs().flatMap(([name, spec]) =>
    withTwin(name, spec.accepts.flatMap((type) => bindingsFor(type, recipients[spec.deliveriesFor ?? 'builtin'], wards)), spec.urgentTwin, spec.ordered),
  );
  const wardQueues = wards.flatMap((code) => withTwin(wardInboxQueue(code), WARD_INBOX_ACCEPTS.flatMap((type) => bindingsFor(type, [code], [])), true));
  return {
    deadLetterExchange: DEAD_LETTER_EXCHANGE,
    deliveryLimit,
    exchanges: [
      { name: EVENTS_EXCHANGE, type: 'topic' },
      { name: INBOX_EXCHANGE, type: 'direct' },
      { name: STATUS_EXCHANGE, type: 'topic' },
    ],
    queues: [...serviceQueues, ...wardQueues],
  };
}
