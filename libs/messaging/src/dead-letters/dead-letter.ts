import { createHash } from 'node:crypto';
import type { Message } from 'amqplib';
import { DeadLetterHeaders, DELIVERY_COUNT_HEADER, REPLAY_COUNT_HEADER } from '../headers';

/**
 * Who published a dead letter in the first place, as RabbitMQ validated it, so that a replay can
 * publish it as that user again (consumers check who publishes what). A copy made by an edoc
 * service carries the original user_id in x-edoc-user-id and the service's own user_id; a message
 * the broker dead-lettered by itself keeps its original user_id. The header is believed only on a
 * copy whose own user_id is an edoc service's (`isServiceUser`): anyone else could have forged it.
 */
export function originalPublisher(properties: { userId?: unknown; headers?: unknown }, isServiceUser: (user: string) => boolean): string | undefined {
  const carried = str(properties.userId);
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  if (carried !== undefined && isServiceUser(carried) && str(headers[DeadLetterHeaders.deadLetteredBy]) !== undefined) {
    return str(headers[DeadLetterHeaders.userId]);
  }
  return carried;
}

/** One message in a dead-letter queue, as `edoc dlq list` shows it. */
export interface DeadLetter {
  /** `<dead-letter queue>/<messageId>`: what show, replay and discard take. */
  id: string;
  deadLetterQueue: string;
  messageId?: string;
  type?: string;
  reason: string;
  /** The queue it failed in; absent for a message that was unroutable. */
  queue?: string;
  exchange?: string;
  routingKey?: string;
  attempts?: number;
  deadLetteredAt?: string;
  deadLetteredBy?: string;
  appId?: string;
  /** The AMQP user_id it was first published with (see originalPublisher). */
  publishedBy?: string;
  replayCount: number;
  size: number;
}

/** Where a replay sends a dead letter back to. */
export type ReplayTarget = { exchange: string; routingKey: string };

interface DeathRecord {
  reason?: unknown;
  queue?: unknown;
  exchange?: unknown;
  count?: unknown;
  'routing-keys'?: unknown;
}

/** Reads the edoc headers, or the broker's x-death record when the broker dead-lettered the message. */
export function describeDeadLetter(message: Message, deadLetterQueue: string, isServiceUser: (user: string) => boolean = () => false): DeadLetter {
  const { properties } = message;
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const death = firstDeath(headers);
  const messageId = str(properties.messageId);
  const queue = str(headers[DeadLetterHeaders.queue]) ?? str(headers['x-first-death-queue']) ?? str(death?.queue);
  const brokerReason = str(headers['x-first-death-reason']) ?? str(death?.reason);
  const routingKeys = Array.isArray(death?.['routing-keys']) ? (death?.['routing-keys'] as unknown[]) : [];
  return {
    id: `${deadLetterQueue}/${messageId ?? contentId(message)}`,
    deadLetterQueue,
    ...(messageId === undefined ? {} : { messageId }),
    ...opt('type', str(properties.type)),
    reason: str(headers[DeadLetterHeaders.reason]) ?? (brokerReason === undefined ? 'unknown' : `broker: ${brokerReason}`),
    ...opt('queue', queue),
    ...opt('exchange', str(headers[DeadLetterHeaders.exchange]) ?? str(headers['x-first-death-exchange']) ?? str(death?.exchange)),
    ...opt('routingKey', str(headers[DeadLetterHeaders.routingKey]) ?? str(routingKeys[0])),
    ...opt('attempts', num(headers[DeadLetterHeaders.attempts])),
    ...opt('deadLetteredAt', str(headers[DeadLetterHeaders.deadLetteredAt]) ?? deathTime(death)),
    ...opt('deadLetteredBy', str(headers[DeadLetterHeaders.deadLetteredBy]) ?? (brokerReason === undefined ? undefined : 'broker')),
    ...opt('appId', str(properties.appId)),
    ...opt('publishedBy', originalPublisher(properties, isServiceUser)),
    replayCount: num(headers[REPLAY_COUNT_HEADER]) ?? 0,
    size: message.content.length,
  };
}

/**
 * Back to the queue it failed in, through the default exchange, so the other queues bound to the
 * original exchange (which handled it fine) do not get it a second time. An unroutable message goes
 * back to its original exchange and routing key, in the hope a queue is bound for it by now.
 */
export function replayTarget(letter: DeadLetter): ReplayTarget {
  if (letter.queue !== undefined) return { exchange: '', routingKey: letter.queue };
  if (letter.exchange !== undefined && letter.routingKey !== undefined) return { exchange: letter.exchange, routingKey: letter.routingKey };
  throw new Error(`dead letter ${letter.id} does not say where it came from; it cannot be replayed`);
}

/** Headers for the replayed copy: the dead-letter record removed, the replay counted. */
export function replayHeaders(headers: Record<string, unknown> | undefined, replayCount: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const dropped = new Set<string>([...Object.values(DeadLetterHeaders), DELIVERY_COUNT_HEADER, 'x-death']);
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (dropped.has(name) || name.startsWith('x-first-death-') || name.startsWith('x-last-death-')) continue;
    result[name] = value;
  }
  result[REPLAY_COUNT_HEADER] = replayCount + 1;
  return result;
}

/** An id for a message that came without messageId: stable while it sits in the queue. */
function contentId(message: Message): string {
  return `sha256-${createHash('sha256').update(message.content).digest('hex').slice(0, 16)}`;
}

function firstDeath(headers: Record<string, unknown>): DeathRecord | undefined {
  const deaths = headers['x-death'];
  return Array.isArray(deaths) && deaths.length > 0 ? (deaths[0] as DeathRecord) : undefined;
}

function deathTime(death: DeathRecord | undefined): string | undefined {
  const time = (death as { time?: unknown } | undefined)?.time;
  if (time instanceof Date) return time.toISOString();
  if (typeof time === 'object' && time !== null && typeof (time as { value?: unknown }).value === 'number') {
    return new Date((time as { value: number }).value * 1000).toISOString();
  }
  return undefined;
}

function str(value: unknown): string | undefined {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
