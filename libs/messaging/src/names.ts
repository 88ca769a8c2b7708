/** The exchanges of the standard edoc topology. */
export const EdocExchanges = {
  /** topic: lifecycle events, routing keys like `document.issued`. */
  events: 'edoc.events',
  /** direct: one delivery per recipient, routing key = recipient organisation code. */
  inbox: 'edoc.inbox',
  /** topic: status reports of ward systems, routing key = the ward's own code. */
  status: 'edoc.status',
  /** direct: dead letters, routing key = the queue the message failed in. */
  deadLetter: 'edoc.dlx',
} as const;

/** Dead-letter routing key (and queue `dlq.unroutable`) for messages no queue was bound for. */
export const UNROUTABLE_ROUTING_KEY = 'unroutable';

export const DEAD_LETTER_QUEUE_PREFIX = 'dlq.';

export function deadLetterQueueName(queue: string): string {
  return `${DEAD_LETTER_QUEUE_PREFIX}${queue}`;
}

/**
 * The broker user of a ward system. Broker users are global to RabbitMQ, not per vhost, so a ward
 * on any vhost but "/" carries the vhost in its name: two exchanges on one broker never share a user.
 */
export function wardBrokerUser(code: string, vhost: string): string {
  return vhost === '/' ? `ward-${code}` : `ward-${code}@${vhost}`;
}

/**
 * The broker user of one of edoc's own services ("intake", "signing", …) or of its operators
 * ("operator"); like a ward's, it carries the vhost when that is not "/".
 */
export function serviceBrokerUser(service: string, vhost: string): string {
  return vhost === '/' ? `edoc-${service}` : `edoc-${service}@${vhost}`;
}

/** Whether `user` is the broker user of an edoc service (or operator) on `vhost`; ward users never are. */
export function isEdocServiceUser(user: string, vhost: string): boolean {
  const match = /^edoc-([a-z][a-z0-9-]*)(?:@(.+))?$/.exec(user);
  return match !== null && (match[2] ?? '/') === vhost && (vhost !== '/' || match[2] === undefined);
}

/** The broker user of an operator's tools (`edoc dlq`): the one allowed to replay a message as its publisher. */
export function operatorBrokerUser(vhost: string): string {
  return serviceBrokerUser('operator', vhost);
}

/** The queue a ward system consumes. */
export function wardInboxQueue(code: string): string {
  return `inbox.${code}`;
}
