import { toJson, fromBinary, type JsonValue } from '@bufbuild/protobuf';
import * as amqplib from 'amqplib';
import { redactUrl } from '@edoc/config';
import { schemaForType } from '@edoc/contracts';
import { assertAmqpUrl, vhostOf } from '../connection/amqp-url';
import { errorMessage } from '../errors';
import { RabbitManagementClient } from '../management/rabbit-management-client';
import { DEAD_LETTER_QUEUE_PREFIX, deadLetterQueueName, isEdocServiceUser } from '../names';
import { describeDeadLetter, replayHeaders, replayTarget, type DeadLetter } from './dead-letter';

export interface DeadLetterAdminOptions {
  amqpUrl: string;
  /** Used to find every queue named dlq.* in the vhost; not needed when `queues` is given. */
  managementUrl?: string;
  /** Only these queues (either the queue Q or its dead-letter queue dlq.Q). */
  queues?: string[];
}

export interface DeadLetterDetails extends DeadLetter {
  headers: Record<string, unknown>;
  contentType?: string;
  timestamp?: string;
  body: Buffer;
  /** The protobuf body as JSON, when its type is known and it decodes. */
  decoded?: JsonValue;
  decodeError?: string;
}

/** No such dead letter (in the queues looked at). */
export class DeadLetterNotFoundError extends Error {}

type Found = { letter: DeadLetter; message: amqplib.GetMessage; channel: amqplib.Channel };

/**
 * Lists, shows, replays and discards dead letters. Messages are read with basic.get and left
 * unacknowledged while looking, so closing the channel puts every message not acted upon back.
 * (Quorum queues count that as a delivery in x-delivery-count; dead-letter queues have no limit.)
 */
export class DeadLetterAdmin {
  private connection: amqplib.ChannelModel | undefined;

  constructor(private readonly opts: DeadLetterAdminOptions) {
    assertAmqpUrl(opts.amqpUrl);
    if (opts.queues === undefined && opts.managementUrl === undefined) {
      throw new Error('DeadLetterAdmin needs the management URL to find the dead-letter queues, or an explicit list of queues');
    }
  }

  /** The dead-letter queues looked at, with how many messages each holds. */
  async queues(): Promise<string[]> {
    if (this.opts.queues !== undefined) {
      return this.opts.queues.map((name) => (name.startsWith(DEAD_LETTER_QUEUE_PREFIX) ? name : deadLetterQueueName(name)));
    }
    const api = new RabbitManagementClient(this.opts.managementUrl as string);
    const all = await api.listQueues(vhostOf(this.opts.amqpUrl));
    return all.map((queue) => queue.name).filter((name) => name.startsWith(DEAD_LETTER_QUEUE_PREFIX)).sort();
  }

  async list(filter: { queue?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = filter.limit ?? 100;
    const wanted = filter.queue === undefined ? undefined : deadLetterQueueOf(filter.queue);
    const result: DeadLetter[] = [];
    for (const queue of await this.queues()) {
      if (wanted !== undefined && queue !== wanted) continue;
      if (result.length >= limit) break;
      const fromQueue: DeadLetter[] = [];
      await this.scan(queue, async ({ letter }) => {
        fromQueue.push(letter);
        return result.length + fromQueue.length >= limit ? 'stop' : 'continue';
      });
      // Messages looked at go back to the queue, and a quorum queue may put them back in another
      // order: sort by when they were dead-lettered so a listing is stable.
      result.push(...fromQueue.sort(byDeadLetteredAt));
    }
    return result;
  }

  async show(id: string): Promise<DeadLetterDetails> {
    return this.withMessage(id, async ({ letter, message }) => details(letter, message));
  }

  /** Sends the message back where it failed (with confirm), then removes it from the dead-letter queue. */
  async replay(id: string): Promise<DeadLetter> {
    return this.withMessage(id, async ({ letter, message, channel }) => {
      const target = replayTarget(letter);
      await this.publishConfirmed(target, message, letter);
      channel.ack(message);
      return letter;
    });
  }

  /**
   * Hands the message to `handle` (the consuming service processing it again, in place of a
   * republish that would need the publisher's identity); removes it once `handle` succeeds. When
   * `handle` throws, the message stays where it was and the error goes to the caller.
   */
  async reprocess(id: string, handle: (letter: DeadLetter, message: amqplib.Message) => Promise<void>): Promise<DeadLetter> {
    return this.withMessage(id, async ({ letter, message, channel }) => {
      await handle(letter, message);
      channel.ack(message);
      return letter;
    });
  }

  /** Removes the message for good. */
  async discard(id: string): Promise<DeadLetter> {
    return this.withMessage(id, async ({ letter, message, channel }) => {
      channel.ack(message);
      return letter;
    });
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  /** Acts on the dead letter `<queue>/<messageId>`, or on a bare messageId found in exactly one queue. */
  private async withMessage<T>(id: string, act: (found: Found) => Promise<T>): Promise<T> {
    const slash = id.indexOf('/');
    if (slash < 0) {
      const matches: string[] = [];
      for (const queue of await this.queues()) {
        await this.scan(queue, async ({ letter }) => {
          if (letter.messageId === id) matches.push(letter.id);
          return 'continue';
        });
      }
      if (matches.length === 0) throw new DeadLetterNotFoundError(`no dead letter with messageId ${id}`);
      const distinct = [...new Set(matches)];
      if (distinct.length > 1) throw new Error(`messageId ${id} is in several dead-letter queues: ${distinct.join(', ')}; use the full id`);
      return this.withMessage(distinct[0] as string, act);
    }
    let result: { value: T } | undefined;
    await this.scan(id.slice(0, slash), async (found) => {
      if (found.letter.id !== id) return 'continue';
      result = { value: await act(found) };
      return 'stop';
    });
    if (result === undefined) throw new DeadLetterNotFoundError(`no dead letter ${id}`);
    return result.value;
  }

  /** Visits messages of one queue in order until `visit` says stop or the queue has been seen whole. */
  private async scan(queue: string, visit: (found: Found) => Promise<'stop' | 'continue'>): Promise<void> {
    const connection = await this.connect();
    const channel = await connection.createChannel();
    let failure: string | undefined;
    channel.on('error', (error: Error) => {
      failure = error.message;
    });
    const next = async (): Promise<amqplib.GetMessage | false> => {
      try {
        return await channel.get(queue, { noAck: false });
      } catch (error) {
        const reason = failure ?? errorMessage(error);
        if (/NOT[_-]FOUND|\b404\b/.test(reason)) throw new DeadLetterNotFoundError(`dead-letter queue ${queue} does not exist`);
        throw new Error(`reading ${queue} failed: ${reason}`);
      }
    };
    try {
      for (;;) {
        const message = await next();
        if (message === false) return;
        const letter = describeDeadLetter(message, queue, (user) => isEdocServiceUser(user, vhostOf(this.opts.amqpUrl)));
        // What `visit` throws (a replay that failed again) reaches the caller as it is.
        if ((await visit({ letter, message, channel })) === 'stop') return;
      }
    } finally {
      // Everything fetched and not acknowledged goes back to the queue.
      await channel.close().catch(() => undefined);
    }
  }

  private async publishConfirmed(target: { exchange: string; routingKey: string }, message: amqplib.GetMessage, letter: DeadLetter): Promise<void> {
    const connection = await this.connect();
    const channel = await connection.createConfirmChannel();
    let returned = false;
    let failure: string | undefined;
    channel.on('return', () => {
      returned = true;
    });
    channel.on('error', (error: Error) => {
      failure = error.message;
    });
    const { properties } = message;
    try {
      await new Promise<void>((resolve, reject) => {
        try {
          channel.publish(
            target.exchange,
            target.routingKey,
            message.content,
            {
              persistent: true,
              mandatory: true,
              messageId: properties.messageId as string | undefined,
              type: properties.type as string | undefined,
              contentType: properties.contentType as string | undefined,
              contentEncoding: properties.contentEncoding as string | undefined,
              appId: properties.appId as string | undefined,
              correlationId: properties.correlationId as string | undefined,
              timestamp: properties.timestamp as number | undefined,
              priority: properties.priority as number | undefined,
              // Consumers accept a type only from its owner: the replay goes out as the original
              // publisher, which RabbitMQ allows a user with the impersonator tag (the operator's).
              ...(letter.publishedBy === undefined ? {} : { userId: letter.publishedBy }),
              headers: replayHeaders(properties.headers as Record<string, unknown> | undefined, letter.replayCount),
            },
            (error: unknown) => (error ? reject(new Error(failure ?? errorMessage(error))) : resolve()),
          );
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    } catch (error) {
      const reason = errorMessage(error);
      if (/user_id property set to/.test(reason)) {
        throw new Error(
          `replay of ${letter.id} refused by the broker: it must go out as its publisher ${letter.publishedBy}, which only a broker user with the ` +
            `impersonator tag may do; use the operator user that \`edoc provision\` made (it stays in ${letter.deadLetterQueue}): ${reason}`,
        );
      }
      throw new Error(`replay of ${letter.id} not confirmed, it stays in ${letter.deadLetterQueue}: ${reason}`);
    } finally {
      await channel.close().catch(() => undefined);
    }
    if (returned) {
      const where = target.exchange === '' ? `queue ${target.routingKey}` : `${target.exchange}/${target.routingKey}`;
      throw new Error(`replay of ${letter.id} is unroutable (${where} has no queue); it stays in ${letter.deadLetterQueue}`);
    }
  }

  private async connect(): Promise<amqplib.ChannelModel> {
    if (this.connection !== undefined) return this.connection;
    try {
      this.connection = await amqplib.connect(this.opts.amqpUrl, { clientProperties: { connection_name: 'edoc-dlq' } });
    } catch (error) {
      throw new Error(`cannot connect to RabbitMQ at ${redactUrl(this.opts.amqpUrl)}: ${errorMessage(error)}`);
    }
    this.connection.on('error', () => undefined);
    return this.connection;
  }
}

function byDeadLetteredAt(a: DeadLetter, b: DeadLetter): number {
  return (a.deadLetteredAt ?? '').localeCompare(b.deadLetteredAt ?? '');
}

function deadLetterQueueOf(queue: string): string {
  return queue.startsWith(DEAD_LETTER_QUEUE_PREFIX) ? queue : deadLetterQueueName(queue);
}

function details(letter: DeadLetter, message: amqplib.GetMessage): DeadLetterDetails {
  const { properties } = message;
  const result: DeadLetterDetails = {
    ...letter,
    headers: (properties.headers ?? {}) as Record<string, unknown>,
    body: message.content,
    ...(typeof properties.contentType === 'string' ? { contentType: properties.contentType } : {}),
    ...(typeof properties.timestamp === 'number' ? { timestamp: new Date(properties.timestamp * 1000).toISOString() } : {}),
  };
  const schema = letter.type === undefined ? undefined : schemaForType(letter.type);
  if (schema === undefined) {
    result.decodeError = letter.type === undefined ? 'no type property' : `unknown message type ${letter.type}`;
    return result;
  }
  try {
    result.decoded = toJson(schema, fromBinary(schema, message.content));
  } catch (error) {
    result.decodeError = errorMessage(error);
  }
  return result;
}

/** One-shot helpers for tools: each opens a connection and closes it again. */
export async function listDeadLetters(opts: DeadLetterAdminOptions, filter: { queue?: string; limit?: number } = {}): Promise<DeadLetter[]> {
  return withAdmin(opts, (admin) => admin.list(filter));
}

export async function showDeadLetter(opts: DeadLetterAdminOptions, id: string): Promise<DeadLetterDetails> {
  return withAdmin(opts, (admin) => admin.show(id));
}

export async function replayDeadLetter(opts: DeadLetterAdminOptions, id: string): Promise<DeadLetter> {
  return withAdmin(opts, (admin) => admin.replay(id));
}

export async function discardDeadLetter(opts: DeadLetterAdminOptions, id: string): Promise<DeadLetter> {
  return withAdmin(opts, (admin) => admin.discard(id));
}

async function withAdmin<T>(opts: DeadLetterAdminOptions, run: (admin: DeadLetterAdmin) => Promise<T>): Promise<T> {
  const admin = new DeadLetterAdmin(opts);
  try {
    return await run(admin);
  } finally {
    await admin.close();
  }
}
