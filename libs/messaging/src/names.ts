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

/** The queue a ward system consumes. */
export function wardInboxQueue(code: string): string {
  return `inbox.${code}`;
}
