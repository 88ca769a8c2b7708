/** Headers edoc adds to a dead-lettered message, so an operator sees why and where from. */
export const DeadLetterHeaders = {
  reason: 'x-edoc-reason',
  queue: 'x-edoc-queue',
  attempts: 'x-edoc-attempts',
  exchange: 'x-edoc-exchange',
  routingKey: 'x-edoc-routing-key',
  deadLetteredAt: 'x-edoc-dead-lettered-at',
  deadLetteredBy: 'x-edoc-dead-lettered-by',
  /** The validated AMQP user_id of the original: it cannot be re-published by anyone else. */
  userId: 'x-edoc-user-id',
} as const;

/** Every header edoc sets on dead letters and replays starts with it; a publisher's own are dropped. */
export const EDOC_HEADER_PREFIX = 'x-edoc-';

/** How many times an operator replayed the message out of a dead-letter queue. */
export const REPLAY_COUNT_HEADER = 'x-edoc-replay-count';

/** Set by quorum queues on a redelivery: how many deliveries of this message failed before. */
export const DELIVERY_COUNT_HEADER = 'x-delivery-count';

/** Longest reason kept in a header: a stack trace or a huge message must not bloat the message. */
export const MAX_REASON_LENGTH = 1000;

export function truncateReason(reason: string): string {
  const flat = reason.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_REASON_LENGTH ? flat : `${flat.slice(0, MAX_REASON_LENGTH - 1)}…`;
}
