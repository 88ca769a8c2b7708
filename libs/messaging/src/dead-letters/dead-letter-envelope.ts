import { randomUUID } from 'node:crypto';
import type { MessageProperties, Options } from 'amqplib';
import { DeadLetterHeaders, DELIVERY_COUNT_HEADER, EDOC_HEADER_PREFIX, REPLAY_COUNT_HEADER, truncateReason } from '../headers';
import type { OutgoingMessage } from '../publishing/outgoing-message';

/** Where a message was and why it is given up on. */
export interface DeadLetterInfo {
  reason: string;
  /** The queue it failed in; absent for a message no queue was bound for. */
  queue?: string;
  /** Deliveries tried. */
  attempts?: number;
  /** The exchange and routing key it was published with. */
  exchange: string;
  routingKey: string;
  /** The service that gave up on it. */
  deadLetteredBy: string;
  at?: Date;
}

type SourceProperties = Partial<MessageProperties> | Options.Publish;

/**
 * A copy of a message for the dead-letter exchange, carrying its reason in x-edoc-* headers.
 * The broker's own dead-lettering (nack without requeue) cannot add headers, hence the copy.
 * user_id is moved to a header: RabbitMQ accepts user_id only from that very user. The copy itself
 * carries the copier's own user_id (`copiedBy`), so a replay can tell a header written by an edoc
 * service from one a publisher forged: x-edoc-* headers of the original are dropped, never trusted.
 */
export function deadLetterCopy(
  original: { content: Buffer; properties: SourceProperties },
  info: DeadLetterInfo,
  deadLetterExchange: string,
  routingKey: string,
  copiedBy?: string,
): OutgoingMessage {
  const source = original.properties;
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((source.headers as Record<string, unknown> | undefined) ?? {})) {
    // The replay count is only informative; the rest of x-edoc-* is what a replay trusts.
    if (name !== DELIVERY_COUNT_HEADER && (name === REPLAY_COUNT_HEADER || !name.startsWith(EDOC_HEADER_PREFIX))) headers[name] = value;
  }
  headers[DeadLetterHeaders.reason] = truncateReason(info.reason);
  headers[DeadLetterHeaders.exchange] = info.exchange;
  headers[DeadLetterHeaders.routingKey] = info.routingKey;
  headers[DeadLetterHeaders.deadLetteredAt] = (info.at ?? new Date()).toISOString();
  headers[DeadLetterHeaders.deadLetteredBy] = info.deadLetteredBy;
  if (info.queue !== undefined) headers[DeadLetterHeaders.queue] = info.queue;
  if (info.attempts !== undefined) headers[DeadLetterHeaders.attempts] = info.attempts;
  if (typeof source.userId === 'string' && source.userId !== '') headers[DeadLetterHeaders.userId] = source.userId;

  const properties: OutgoingMessage['properties'] = {
    // A message that arrived without an id still needs one to match its confirm; the reason says it had none.
    messageId: typeof source.messageId === 'string' && source.messageId !== '' ? source.messageId : randomUUID(),
    headers,
    persistent: true,
    ...(copiedBy === undefined ? {} : { userId: copiedBy }),
  };
  copyString(source.type, (value) => (properties.type = value));
  copyString(source.contentType, (value) => (properties.contentType = value));
  copyString(source.contentEncoding, (value) => (properties.contentEncoding = value));
  copyString(source.appId, (value) => (properties.appId = value));
  copyString(source.correlationId, (value) => (properties.correlationId = value));
  if (typeof source.timestamp === 'number') properties.timestamp = source.timestamp;
  if (typeof source.priority === 'number') properties.priority = source.priority;
  return { exchange: deadLetterExchange, routingKey, content: original.content, properties };
}

function copyString(value: unknown, set: (value: string) => void): void {
  if (typeof value === 'string' && value !== '') set(value);
}
