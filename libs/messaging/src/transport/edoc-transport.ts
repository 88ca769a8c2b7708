import { randomBytes } from 'node:crypto';
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { AmqpConnection } from '../connection/amqp-connection';
import type { ManagedChannel } from '../connection/managed-channel';
import { replayHeaders, type DeadLetter } from '../dead-letters/dead-letter';
import { deadLetterCopy } from '../dead-letters/dead-letter-envelope';
import { errorMessage } from '../errors';
import { defaultLogger, type MessagingLogger } from '../logger';
import { deadLetterQueueName, EdocExchanges } from '../names';
import { ConfirmPublisher } from '../publishing/confirm-publisher';
import { decodeDelivery, type DecodedDelivery } from './delivery-decoder';
import { assertQueuesProvisioned } from './queues-provisioned';
import { queuesWithoutContract, type QueueContract, type RefusalKind } from './queue-contract';
import { EdocMessageContext, deliveryCountOf } from './edoc-message-context';
import { decideOnFailure, describeHandlerError, isOutage, type FailurePolicy } from './failure-policy';

export const EDOC_TRANSPORT = Symbol.for('edoc.amqp');

/** Events `transport.on()` accepts: the connection coming and going. */
export type EdocTransportEvents = {
  connect: () => void;
  disconnect: () => void;
};

export type EdocTransportStatus = 'connected' | 'disconnected';

/** A message the transport refused before any handler saw it; it is dead-lettered with `reason`. */
export interface Refusal {
  kind: RefusalKind;
  reason: string;
  queue: string;
  exchange: string;
  routingKey: string;
  messageId?: string;
  type?: string;
  /** The AMQP user_id it carried (validated by RabbitMQ), if any. */
  publishedBy?: string;
}

export interface EdocTransportOptions {
  /** Broker URL; or pass `connection` to share one (the transport then leaves it open on close). */
  url?: string;
  connection?: AmqpConnection;
  /** Queues to consume; they must have been declared by provisioning. */
  queues: string[];
  /**
   * What each queue takes and from whom. A message of another type, or from a publisher that does
   * not own its type, is dead-lettered with the reason and never reaches a handler.
   */
  contract: QueueContract;
  /**
   * Called for every refused message before it is dead-lettered (to count it, to record a breach of
   * the contract). While it fails because a dependency is down the message is held; when it fails
   * otherwise the message is retried like a failed handler, so no refusal goes unrecorded.
   */
  onRefused?: (refusal: Refusal) => Promise<void> | void;
  /** Names the connection, the dead-letter headers and the log lines. */
  serviceName: string;
  /** Unacknowledged messages per queue at a time (handlers running concurrently). Default 16. */
  prefetch?: number;
  /** A prefetch for some queues other than `prefetch`: 1 for a queue whose messages must be handled in order. */
  prefetchByQueue?: Record<string, number>;
  /** Deliveries in all before a failing message is dead-lettered. Default 5. */
  deliveryLimit?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Larger bodies are dead-lettered unread. Default 1 MiB. */
  maxMessageBytes?: number;
  deadLetterExchange?: string;
  connectTimeoutMs?: number;
  /**
   * A handler still running after this long counts as failed (retried, then dead-lettered), so a
   * hung handler cannot hold a prefetch slot for ever. Its late effect is the inbox's to absorb.
   * Default 5 min.
   */
  handlerTimeoutMs?: number;
  /** How long close() waits for running handlers. Default 10 s. */
  shutdownTimeoutMs?: number;
  logger?: MessagingLogger;
}

/**
 * A Nest microservice transport for edoc messages, so handlers stay plain `@EventPattern`:
 *
 *   @EventPattern(DocumentIssuedSchema.typeName)
 *   async onIssued(@Payload() event: DocumentIssued, @Ctx() ctx: EdocMessageContext) { … }
 *
 * Each delivery is decoded with the schema its AMQP `type` names and acknowledged only after the
 * handler's promise (or observable) completes. A handler that throws has its message requeued
 * after a short pause, up to the delivery limit; then, or at once for a PermanentMessageError or a
 * message that cannot be decoded, the message is copied to the dead-letter exchange with
 * x-edoc-reason / x-edoc-queue / x-edoc-attempts headers and acknowledged. Handlers run
 * concurrently up to `prefetch`, so one slow or failing message never blocks the queue.
 */
export class EdocTransport extends Server<EdocTransportEvents, EdocTransportStatus> implements CustomTransportStrategy {
  override readonly transportId = EDOC_TRANSPORT;
  private readonly opts: Required<Omit<EdocTransportOptions, 'url' | 'connection' | 'logger' | 'prefetchByQueue' | 'onRefused'>> & Pick<EdocTransportOptions, 'prefetchByQueue' | 'onRefused'>;
  private readonly policy: FailurePolicy;
  private readonly log: MessagingLogger;
  private connection: AmqpConnection | undefined;
  private ownsConnection = false;
  private consumer: ManagedChannel<Channel> | undefined;
  private publisher: ConfirmPublisher | undefined;
  private readonly consumerTags = new Map<Channel, string[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pendingRetries = new Set<() => void>();
  private readonly pendingListeners: { event: keyof EdocTransportEvents; callback: () => void }[] = [];
  private closing = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly options: EdocTransportOptions) {
    super();
    if (options.url === undefined && options.connection === undefined) throw new Error('EdocTransport needs a url or a connection');
    if (!Array.isArray(options.queues) || options.queues.length === 0) throw new Error('EdocTransport needs at least one queue');
    if (new Set(options.queues).size !== options.queues.length) throw new Error(`EdocTransport queues listed twice: ${options.queues.join(', ')}`);
    if (options.serviceName === '') throw new Error('EdocTransport needs a serviceName');
    const uncovered = queuesWithoutContract(options.contract ?? {}, options.queues);
    if (uncovered.length > 0) throw new Error(`EdocTransport: the contract says nothing about queue(s) ${uncovered.join(', ')}: which types may they take, from whom?`);
    this.opts = {
      queues: options.queues,
      contract: options.contract,
      onRefused: options.onRefused,
      serviceName: options.serviceName,
      prefetch: positiveInt('prefetch', options.prefetch ?? 16),
      prefetchByQueue: options.prefetchByQueue,
      deliveryLimit: positiveInt('deliveryLimit', options.deliveryLimit ?? 5),
      retryDelayMs: nonNegative('retryDelayMs', options.retryDelayMs ?? 200),
      maxRetryDelayMs: nonNegative('maxRetryDelayMs', options.maxRetryDelayMs ?? 5_000),
      maxMessageBytes: positiveInt('maxMessageBytes', options.maxMessageBytes ?? 1024 * 1024),
      deadLetterExchange: options.deadLetterExchange ?? EdocExchanges.deadLetter,
      connectTimeoutMs: positiveInt('connectTimeoutMs', options.connectTimeoutMs ?? 30_000),
      shutdownTimeoutMs: nonNegative('shutdownTimeoutMs', options.shutdownTimeoutMs ?? 10_000),
      handlerTimeoutMs: positiveInt('handlerTimeoutMs', options.handlerTimeoutMs ?? 300_000),
    };
    this.policy = { deliveryLimit: this.opts.deliveryLimit, retryDelayMs: this.opts.retryDelayMs, maxRetryDelayMs: this.opts.maxRetryDelayMs };
    this.log = options.logger ?? defaultLogger(`EdocTransport:${options.serviceName}`);
  }

  /**
   * A handler's route is the message type's name as it stands. Nest first tries the pattern as JSON,
   * and a type name is never JSON: the SyntaxError thrown and caught, twice a message, cost tens of
   * microseconds each (stack and message built), more than finding the handler.
   */
  protected override getRouteFromPattern(pattern: string): string {
    return this.normalizePattern(pattern);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      await this.close().catch(() => undefined);
      callback(error);
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.stopConsuming();
    for (const wake of [...this.pendingRetries]) wake();
    await settleWithin([...this.inFlight], this.opts.shutdownTimeoutMs);
    await this.consumer?.close();
    await this.publisher?.close();
    for (const stop of this.unsubscribe.splice(0)) stop();
    if (this.ownsConnection) await this.connection?.close();
    this._status$.next('disconnected');
  }

  /** Number of messages being handled right now. */
  get activeDeliveries(): number {
    return this.inFlight.size;
  }

  on<EventKey extends keyof EdocTransportEvents = keyof EdocTransportEvents, EventCallback extends EdocTransportEvents[EventKey] = EdocTransportEvents[EventKey]>(
    event: EventKey,
    callback: EventCallback,
  ): void {
    const listener: () => void = callback;
    if (this.connection === undefined) {
      this.pendingListeners.push({ event, callback: listener });
      return;
    }
    this.attachListener(event, listener);
  }

  unwrap<T>(): T {
    if (this.connection === undefined) throw new Error('EdocTransport is not listening yet: call app.listen() first');
    return this.connection.unwrap() as T;
  }

  private async start(): Promise<void> {
    if (this.options.connection !== undefined) {
      this.connection = this.options.connection;
    } else {
      this.connection = await AmqpConnection.connect(this.options.url as string, {
        name: this.opts.serviceName,
        timeoutMs: this.opts.connectTimeoutMs,
        logger: this.options.logger,
      });
      this.ownsConnection = true;
    }
    for (const { event, callback } of this.pendingListeners.splice(0)) this.attachListener(event, callback);
    this.unsubscribe.push(this.connection.onConnect(() => this._status$.next('connected')));
    this.unsubscribe.push(this.connection.onDisconnect(() => this._status$.next('disconnected')));
    await assertQueuesProvisioned(this.connection, this.opts.queues.flatMap((name) => [name, deadLetterQueueName(name)]), {
      timeoutMs: this.opts.connectTimeoutMs,
      logger: this.log,
      stopping: () => this.closing,
    });
    this.publisher = new ConfirmPublisher(this.connection, { name: `${this.opts.serviceName}:dead-letters` });
    this.consumer = this.connection.channel<Channel>({
      name: `${this.opts.serviceName}:consumer`,
      setup: (channel) => this.setupConsumer(channel),
    });
    await this.consumer.waitForOpen(this.opts.connectTimeoutMs);
    this._status$.next('connected');
    this.log.log(`consuming ${this.opts.queues.join(', ')} (prefetch ${this.opts.prefetch}, delivery limit ${this.opts.deliveryLimit})`);
  }

  private async setupConsumer(channel: Channel): Promise<void> {
    const tags: string[] = [];
    this.consumerTags.set(channel, tags);
    channel.on('close', () => this.consumerTags.delete(channel));
    for (const queue of this.opts.queues) {
      // Per consumer, not global (quorum queues do not support a global prefetch): basic.qos
      // applies to the consumers started after it on the channel.
      await channel.prefetch(this.opts.prefetchByQueue?.[queue] ?? this.opts.prefetch, false);
      const consumerTag = `${this.opts.serviceName}:${queue}:${randomBytes(4).toString('hex')}`;
      await channel.consume(queue, (message) => this.onDelivery(channel, queue, message), { noAck: false, consumerTag });
      tags.push(consumerTag);
    }
  }

  private onDelivery(channel: Channel, queue: string, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer (queue deleted): reopen, which re-checks the queue.
      this.log.error(`queue ${queue} cancelled our consumer (deleted?); re-subscribing`);
      this.consumer?.reset();
      return;
    }
    const work = this.handleDelivery(channel, queue, message).catch((error: unknown) => {
      this.log.error(`delivery from ${queue} could not be settled: ${errorMessage(error)}`);
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handleDelivery(channel: Channel, queue: string, message: ConsumeMessage): Promise<void> {
    const attempt = deliveryCountOf(message.properties.headers as Record<string, unknown> | undefined) + 1;
    const decoded = this.decode(message, queue);
    if (!decoded.ok) {
      const userId = message.properties.userId as unknown;
      await this.refuse(channel, queue, message, attempt, {
        kind: decoded.kind,
        reason: decoded.reason,
        queue,
        exchange: message.fields.exchange,
        routingKey: message.fields.routingKey,
        ...(decoded.messageId === undefined ? {} : { messageId: decoded.messageId }),
        ...(decoded.type === undefined ? {} : { type: decoded.type }),
        ...(typeof userId === 'string' && userId !== '' ? { publishedBy: userId } : {}),
      });
      return;
    }
    const context = EdocMessageContext.fromDelivery(message, queue, decoded.messageId, decoded.type);
    try {
      await this.throughOutages(() => this.invokeHandler(decoded.type, decoded.message, context), `${decoded.type} ${decoded.messageId} from ${queue}`);
    } catch (error) {
      const action = decideOnFailure(error, attempt, this.policy);
      if (action.kind === 'dead-letter') {
        await this.deadLetter(channel, queue, message, action.reason, attempt);
        return;
      }
      this.log.warn(
        `${decoded.type} ${decoded.messageId} from ${queue} failed (attempt ${attempt}/${this.opts.deliveryLimit}): ` +
          `${describeHandlerError(error)}; retrying in ${action.delayMs} ms`,
      );
      await this.pause(action.delayMs);
      this.settle(channel, message, 'requeue');
      return;
    }
    this.settle(channel, message, 'ack');
  }

  /**
   * Processes a dead letter of one of our queues again, here, as if it had just arrived from its
   * original publisher (which the dead-letter copy recorded, and which `letter.publishedBy` only
   * believes from an edoc service's copy): the queue's contract is checked again, then its handler
   * runs. Throws with the reason when the message is refused again or its handler fails, so the
   * caller leaves it in the dead-letter queue. A republish would instead have to go out under the
   * publisher's identity, which only the broker's operator may borrow.
   */
  async reprocessDeadLetter(letter: DeadLetter, message: Message): Promise<void> {
    if (this.closing) throw new Error(`${this.opts.serviceName} is stopping`);
    const queue = letter.queue;
    if (queue === undefined || !this.opts.queues.includes(queue)) throw new Error(`dead letter ${letter.id} did not fail in a queue of ${this.opts.serviceName}`);
    const headers = replayHeaders(message.properties.headers as Record<string, unknown> | undefined, letter.replayCount);
    const delivery: ConsumeMessage = {
      content: message.content,
      fields: { deliveryTag: 0, redelivered: true, exchange: letter.exchange ?? '', routingKey: letter.routingKey ?? queue, consumerTag: 'dead-letter-replay' },
      properties: { ...message.properties, headers, userId: letter.publishedBy },
    };
    const decoded = this.decode(delivery, queue);
    if (!decoded.ok) throw new Error(`refused again: ${decoded.reason}`);
    const context = EdocMessageContext.fromDelivery(delivery, queue, decoded.messageId, decoded.type);
    try {
      await this.invokeHandler(decoded.type, decoded.message, context);
    } catch (error) {
      throw new Error(`failed again: ${describeHandlerError(error)}`);
    }
    this.log.log(`${decoded.type} ${decoded.messageId} replayed from ${letter.deadLetterQueue} and handled`);
  }

  /** The queue's contract and our handlers decide whether a message can be handled at all. */
  private decode(message: ConsumeMessage, queue: string): DecodedDelivery {
    return decodeDelivery(message, {
      maxMessageBytes: this.opts.maxMessageBytes,
      queue,
      contract: this.opts.contract,
      serviceName: this.opts.serviceName,
      hasHandler: (type) => this.getHandlerByPattern(type) !== null,
    });
  }

  /**
   * Tells `onRefused`, then dead-letters the message with the refusal's reason. Should telling fail
   * for another reason than an outage, the message is retried like one whose handler failed.
   */
  private async refuse(channel: Channel, queue: string, message: ConsumeMessage, attempt: number, refusal: Refusal): Promise<void> {
    const onRefused = this.opts.onRefused;
    if (onRefused !== undefined) {
      const label = `refused ${refusal.type ?? 'message'} ${refusal.messageId ?? '(no id)'} from ${queue}`;
      try {
        await this.throughOutages(async () => onRefused(refusal), label);
      } catch (error) {
        const action = decideOnFailure(error, attempt, this.policy);
        if (action.kind === 'retry') {
          this.log.warn(`${label}: recording the refusal failed (attempt ${attempt}/${this.opts.deliveryLimit}): ${describeHandlerError(error)}; retrying in ${action.delayMs} ms`);
          await this.pause(action.delayMs);
          this.settle(channel, message, 'requeue');
          return;
        }
        this.log.error(`${label}: recording the refusal failed for good (${action.reason}); dead-lettering it unrecorded`);
      }
    }
    await this.deadLetter(channel, queue, message, refusal.reason, attempt);
  }

  /**
   * Runs `work`; while a dependency is down, holds the message (unacknowledged, so it spends no
   * delivery attempt) and tries again with a growing pause, up to 30 s, until it is back or we stop.
   */
  private async throughOutages(work: () => Promise<void>, label: string): Promise<void> {
    for (let outage = 0; ; outage++) {
      try {
        await work();
        return;
      } catch (error) {
        if (!isOutage(error) || this.closing) throw error;
        const delayMs = Math.min(30_000, 500 * 2 ** Math.min(outage, 6));
        if (outage === 0 || outage % 10 === 0) this.log.warn(`${label}: a dependency is unreachable (${describeHandlerError(error)}); holding it and retrying every ${delayMs / 1000} s`);
        await this.pause(delayMs);
      }
    }
  }

  private async invokeHandler(type: string, payload: unknown, context: EdocMessageContext): Promise<void> {
    const handler = this.getHandlerByPattern(type);
    if (handler === null) throw new Error(`no handler for ${type}`);
    const run = async () => {
      // Nest's wrapper returns the handler's value, or an observable that errors when the handler threw.
      const result: unknown = await handler(payload, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`handler did not finish within ${this.opts.handlerTimeoutMs} ms`)), this.opts.handlerTimeoutMs);
    });
    try {
      await Promise.race([run(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.onProcessingEndHook?.(this.transportId, context);
  }

  /**
   * Copies the message to the dead-letter exchange with its reason, then acks it. Should that copy
   * be impossible, the broker's own dead-lettering (the queue's x-dead-letter-exchange, at-least-once)
   * takes over: the message is never dropped, only the x-edoc-reason header is missing then.
   */
  private async deadLetter(channel: Channel, queue: string, message: ConsumeMessage, reason: string, attempts: number): Promise<void> {
    const label = `${String(message.properties.type ?? 'message')} ${String(message.properties.messageId ?? '(no id)')}`;
    try {
      const copy = deadLetterCopy(
        message,
        { reason, queue, attempts, exchange: message.fields.exchange, routingKey: message.fields.routingKey, deadLetteredBy: this.opts.serviceName },
        this.opts.deadLetterExchange,
        queue,
        (this.connection as AmqpConnection).username,
      );
      const outcome = await (this.publisher as ConfirmPublisher).publish(copy);
      if (outcome.routed) {
        this.log.warn(`${label} from ${queue} dead-lettered: ${reason}`);
        this.settle(channel, message, 'ack');
        return;
      }
      this.log.error(`${label}: no dead-letter queue ${deadLetterQueueName(queue)} bound (run \`npm run provision\`); rejecting it to the broker`);
    } catch (error) {
      this.log.error(`${label}: dead-letter copy not confirmed (${errorMessage(error)}); rejecting it to the broker`);
    }
    this.log.warn(`${label} from ${queue} dead-lettered by the broker: ${reason}`);
    this.settle(channel, message, 'reject');
  }

  private settle(channel: Channel, message: ConsumeMessage, how: 'ack' | 'requeue' | 'reject'): void {
    try {
      if (how === 'ack') channel.ack(message);
      else channel.nack(message, false, how === 'requeue');
    } catch (error) {
      // The channel died with the connection: the broker requeues the message by itself and the
      // consumer's inbox will recognise it if its effect was already committed.
      this.log.warn(`could not ${how} ${String(message.properties.messageId)} (${errorMessage(error)}); the broker will redeliver it`);
    }
  }

  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.pendingRetries.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pendingRetries.add(wake);
    });
  }

  private async stopConsuming(): Promise<void> {
    const channel = this.consumer?.current;
    if (channel === undefined) return;
    for (const tag of this.consumerTags.get(channel) ?? []) {
      await channel.cancel(tag).catch(() => undefined);
    }
  }

  private attachListener(event: keyof EdocTransportEvents, callback: () => void): void {
    const connection = this.connection as AmqpConnection;
    this.unsubscribe.push(event === 'connect' ? connection.onConnect(callback) : connection.onDisconnect(callback));
  }
}

async function settleWithin(work: Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(work), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`EdocTransport ${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`EdocTransport ${name} must be a non-negative number, got ${value}`);
  return value;
}
