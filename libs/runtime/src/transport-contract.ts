import { type MessageTypeName, MessageTypes } from '@edoc/contracts';
import { type AllowedPublishers, type QueueContract, serviceBrokerUser, wardBrokerUser } from '@edoc/messaging';
import { consumedQueues, type EdocService, ownersOf, type Publisher, queueSpecs } from './message-contract';

/** The broker user that a publisher of the contract connects as in `vhost`. */
function allowedPublishers(owners: readonly Publisher[], vhost: string): AllowedPublishers {
  if (owners.includes('ward')) {
    // A ward system reports only for itself: the owner is the ward its report names.
    return (message) => [wardBrokerUser(String((message as { fromCode?: unknown }).fromCode ?? ''), vhost)];
  }
  return owners.map((owner) => serviceBrokerUser(owner, vhost));
}

/** What the transport of `service` lets through on each of its queues (urgent twins included), in `vhost`. */
export function transportContract(service: EdocService, vhost: string): QueueContract {
  const specs = new Map(queueSpecs());
  const contract: Record<string, Record<string, AllowedPublishers>> = {};
  for (const queue of consumedQueues(service)) {
    const spec = specs.get(queue) ?? specs.get(queue.replace(/\.urgent$/, ''));
    if (spec === undefined) throw new Error(`queue ${queue} of ${service} is not in the message contract`);
    contract[queue] = Object.fromEntries(spec.accepts.map((type: MessageTypeName) => [MessageTypes[type].schema.typeName, allowedPublishers(ownersOf(type), vhost)]));
  }
  return contract;
}
