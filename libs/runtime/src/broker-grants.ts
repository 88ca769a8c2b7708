import { MessageTypes } from '@edoc/contracts';
import { DEAD_LETTER_QUEUE_PREFIX, deadLetterQueueName, EdocExchanges, escapeRegex, exactNames, type Permissions, type TopicPermissions } from '@edoc/messaging';
import { URGENT_SUFFIX } from './events';
import { consumedQueues, type EdocService, typesPublishedBy } from './message-contract';

/** What a broker user may do in the exchange's vhost. */
export interface BrokerRights {
  tags: string[];
  permissions: Permissions;
  topic: TopicPermissions[];
}

/**
 * The least a service needs, from the message contract: read its own queues; write to the
 * exchanges of the types it owns, and on the events exchange only under their routing keys (a
 * service cannot even publish another's event); write dead-letter copies, and read back those of its
 * own queues (an administrator's replay is processed by the service itself); configure nothing, since
 * provisioning declares the topology and the service only checks it exists.
 */
export function serviceBrokerRights(service: EdocService): BrokerRights {
  const owned = typesPublishedBy(service);
  const eventKeys = owned.map((type) => MessageTypes[type].routingKey).filter((key) => key !== '');
  const exchanges = [
    ...(eventKeys.length > 0 ? [EdocExchanges.events] : []),
    ...(owned.includes('delivery') ? [EdocExchanges.inbox] : []),
    // Messages it refuses or gives up on go to the dead-letter exchange with their reason.
    EdocExchanges.deadLetter,
  ];
  return {
    tags: [],
    permissions: { configure: '^$', write: exactNames(exchanges), read: exactNames([...consumedQueues(service), ...consumedQueues(service).map(deadLetterQueueName)]) },
    topic: [{ exchange: EdocExchanges.events, write: eventKeys.length === 0 ? '^$' : `^(${eventKeys.map(escapeRegex).join('|')})(${escapeRegex(URGENT_SUFFIX)})?$`, read: '^$' }],
  };
}

/**
 * The operators' tools (`edoc dlq`): read the dead-letter queues, and replay a message to the queue
 * it failed in (through the default exchange) or, if it was unroutable, to its original exchange.
 * A replay must go out as its original publisher, since consumers accept a type only from its
 * owner: hence the impersonator tag, which lets this user set another user's user_id.
 */
export function operatorBrokerRights(): BrokerRights {
  return {
    tags: ['impersonator'],
    permissions: {
      configure: '^$',
      write: exactNames(['amq.default', EdocExchanges.events, EdocExchanges.inbox, EdocExchanges.status]),
      // Every dead-letter queue, the wards' and the unroutable one included.
      read: `^${escapeRegex(DEAD_LETTER_QUEUE_PREFIX)}.+$`,
    },
    topic: [],
  };
}
