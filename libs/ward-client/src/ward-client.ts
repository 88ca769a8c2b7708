import type { Channel, ConsumeMessage } from 'amqplib';
import { redactUrl } from '@edoc/config';
import type { Delivery, ReportRefused, StatusCode } from '@edoc/contracts';
import { AmqpConnection, assertAmqpUrl, defaultLogger, errorMessage, isLoginRefused, vhostOf, type ManagedChannel, type MessagingLogger } from '@edoc/messaging';
import { AmqpStatusReporter } from './amqp-status-reporter';
import type { DeliveryJournal } from './delivery-journal';
import { DeliveryProcessor, type DeliveryHandler, type ProcessOutcome } from './delivery-processor';
import { WardStartError } from './errors';
import { HttpFileSource, type FileSource, type HttpFileSourceOptions } from './file-source';
import { JsonLinesDeliveryJournal } from './json-lines-journal';
import { PendingDeliveries } from './pending-deliveries';
import { describeConnectFailure, describeLoginRefused, judgeConsumeFailure, seconds, type BrokerIdentity } from './start-failure';
import { assertWardCode, wardQueues, type WardQueues } from './ward-names';

export interface WardRetryOptions {
  /** Attempts in this process before the message goes back to the broker (nack, requeue); default 4. */
  attempts?: number;
  /** Pause before the second attempt, doubled each time; default 1 s. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/** Pauses between attempts to reach the broker and to consume the queues. */
export interface WardBrokerRetryOptions {
  /** Pause after the first failure, doubled after each further one; default 1 s. */
  firstDelayMs?: number;
  /** The longest pause; default 30 s. */
  maxDelayMs?: number;
}

export interface WardClientOptions {
  /** The ward's organisation code, e.g. 000.32.13.H26. */
  code: string;
  /** amqp(s)://<ward broker user>:<password>@host:5672/<vhost>. */
  amqpUrl: string;
  /** edoc's HTTP API and the ward-system user's token, or a FileSource of your own. */
  files: HttpFileSourceOptions | FileSource;
  /** A journal, or the path of the JSON Lines file to keep it in. */
  journal: DeliveryJournal | string;
  /** Unacknowledged messages per queue; default 4. */
  prefetch?: number;
  retry?: WardRetryOptions;
  onEvent?: (event: WardEvent) => void;
  logger?: MessagingLogger;
  /** Shown in the broker's management UI; default "ward-<code>". */
  connectionName?: string;
  /**
   * Give up the first connect after this long; default: never (keep retrying, with a log line each
   * time, until connected or the login is refused). Reconnects after that never give up.
   */
  connectTimeoutMs?: number;
  /**
   * Once one queue is consumed, how long (from `start()`) to wait for the other before starting
   * with one; the other keeps being retried. Default 15 s.
   */
  consumeTimeoutMs?: number;
  /** Pauses between attempts to reach the broker and to consume; default 1 s, doubling up to 30 s. */
  brokerRetry?: WardBrokerRetryOptions;
  /** Pause after the consumers start before the first message is handled, so urgent ones pushed at the same moment go first; default 100 ms. */
  gatherMs?: number;
}

/** What happened to one message, for logs and command-line output. */
export type WardEvent =
  | { kind: 'delivered'; delivery: Delivery; messageId: string | undefined; urgent: boolean; resumed: boolean }
  | { kind: 'duplicate'; delivery: Delivery; messageId: string | undefined; urgent: boolean }
  /** edoc refused a report this ward sent (it changed nothing): the reason is in `refusal`. */
  | { kind: 'report-refused'; refusal: ReportRefused; messageId: string | undefined }
  | { kind: 'rejected'; reason: string; delivery?: Delivery; messageId: string | undefined; urgent: boolean }
  | { kind: 'retrying'; reason: string; delivery?: Delivery; messageId: string | undefined; urgent: boolean; attempt: number; requeued: boolean };

interface Received {
  channel: Channel;
  message: ConsumeMessage;
  urgent: boolean;
  attempts: number;
}

/**
 * A ward system's connection to edoc: consumes `inbox.<code>` and `inbox.<code>.urgent` (urgent
 * first) with the ward's own broker user, runs each delivery through the DeliveryProcessor, acks
 * only after the document is stored and 01 is confirmed, and reports further statuses on
 * `edoc.status`. Comes back by itself after a broker restart; messages unacked at that moment are
 * redelivered and the journal drops what was already taken in.
 */
export class WardClient {
  readonly queues: WardQueues;
  private readonly pending = new PendingDeliveries<Received>();
  private readonly closedChannels = new WeakSet<Channel>();
  private readonly consumers: ManagedChannel<Channel>[] = [];
  private processor: DeliveryProcessor | undefined;
  private inFlight: Promise<void> | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private dispatchFrom = 0;
  private closing = false;
  /** Set while start() waits: a consume failure that waiting cannot fix. */
  private startFailure: WardStartError | undefined;
  private starting = false;
  private readonly retry: Required<WardRetryOptions>;
  private readonly brokerRetry: Required<WardBrokerRetryOptions>;

  private constructor(
    readonly code: string,
    readonly brokerUser: string,
    private readonly connection: AmqpConnection,
    private readonly reporter: AmqpStatusReporter,
    private readonly files: FileSource,
    private readonly journal: DeliveryJournal,
    private readonly ownsJournal: boolean,
    private readonly opts: WardClientOptions,
    private readonly logger: MessagingLogger,
    private readonly identity: BrokerIdentity,
  ) {
    this.queues = wardQueues(code);
    this.retry = retryOptions(opts.retry);
    this.brokerRetry = brokerRetryOptions(opts.brokerRetry);
  }

  /**
   * Connects with the ward's broker user; nothing is consumed before `start()`. A broker that is
   * not reachable yet, or a virtual host it will not open yet, is retried with a growing pause and
   * a log line each time. Rejects with a WardStartError when the broker refuses the login.
   */
  static async connect(opts: WardClientOptions): Promise<WardClient> {
    const code = assertWardCode(opts.code);
    const brokerUser = decodeURIComponent(assertAmqpUrl(opts.amqpUrl).username);
    if (brokerUser === '') throw new Error(`the AMQP URL ${redactUrl(opts.amqpUrl)} names no user: give the ward's broker user and password`);
    const prefetch = opts.prefetch ?? 4;
    if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 1000) throw new Error(`prefetch must be an integer 1..1000, got ${prefetch}`);
    retryOptions(opts.retry);
    const brokerRetry = brokerRetryOptions(opts.brokerRetry);
    const identity: BrokerIdentity = { code, user: brokerUser, vhost: vhostOf(opts.amqpUrl), url: redactUrl(opts.amqpUrl) };
    const files = isFileSource(opts.files) ? opts.files : new HttpFileSource(opts.files);
    const logger = opts.logger ?? defaultLogger('WardClient');
    const journal = typeof opts.journal === 'string' ? await JsonLinesDeliveryJournal.open(opts.journal) : opts.journal;
    let connection: AmqpConnection;
    try {
      connection = await AmqpConnection.connect(opts.amqpUrl, {
        name: opts.connectionName ?? `ward-${code}`,
        timeoutMs: opts.connectTimeoutMs ?? 0,
        reconnectSeconds: brokerRetry.firstDelayMs / 1000,
        maxReconnectSeconds: brokerRetry.maxDelayMs / 1000,
        onConnectFailed: (failure) => logger.warn(describeConnectFailure(failure, identity)),
        logger,
      });
    } catch (error) {
      if (typeof opts.journal === 'string') await journal.close();
      throw isLoginRefused(errorMessage(error)) ? new WardStartError(describeLoginRefused(identity)) : error;
    }
    const reporter = new AmqpStatusReporter(connection, code, brokerUser);
    return new WardClient(code, brokerUser, connection, reporter, files, journal, typeof opts.journal === 'string', opts, logger, identity);
  }

  /**
   * Starts consuming both queues; resolves once they are consumed, or once one is and the other
   * still is not after `consumeTimeoutMs` (it keeps being retried in the background, and the log
   * says so). Queues that do not exist yet and channels lost in a broker restart are retried with a
   * growing pause, without a deadline. Rejects with a WardStartError when the broker user may not
   * read a queue, and when close() is called meanwhile; the consumers are closed then. Call once.
   */
  async start(handler: DeliveryHandler): Promise<void> {
    if (this.processor !== undefined) throw new Error('the ward client is already started');
    if (this.closing) throw new Error('the ward client is closed');
    this.processor = new DeliveryProcessor({ code: this.code, files: this.files, journal: this.journal, status: this.reporter, handler });
    this.dispatchFrom = Date.now() + (this.opts.gatherMs ?? 100);
    // One channel per queue: a queue that cannot be consumed (not provisioned yet, no right to it)
    // closes only its own channel, and the other keeps flowing.
    for (const [queue, urgent] of [[this.queues.urgent, true], [this.queues.normal, false]] as const) {
      this.consumers.push(
        this.connection.channel<Channel>({
          name: `consume ${queue}`,
          setup: async (channel) => {
            channel.on('close', () => this.forgetChannel(channel));
            await channel.prefetch(this.opts.prefetch ?? 4, false);
            await channel.consume(queue, (message) => this.onMessage(channel, urgent, message), { noAck: false });
          },
          reopenDelayMs: { first: this.brokerRetry.firstDelayMs, max: this.brokerRetry.maxDelayMs },
          onOpenFailed: (error, retryInMs) => this.onConsumeFailed(queue, error, retryInMs),
        }),
      );
    }
    this.starting = true;
    let stillShut: string[];
    try {
      stillShut = await this.untilConsuming(this.opts.consumeTimeoutMs ?? 15_000);
    } catch (error) {
      await Promise.all(this.consumers.map((consumer) => consumer.close()));
      throw error;
    } finally {
      this.starting = false;
    }
    if (stillShut.length > 0) {
      // One queue is enough to work with; the other keeps being retried, and says so in the log.
      this.logger.error(`cannot consume ${stillShut.join('; ')}; consuming the other queue, and retrying this one in the background`);
    } else {
      this.logger.log(`consuming ${this.queues.urgent} and ${this.queues.normal} as ${this.brokerUser}`);
    }
    this.schedule(this.dispatchFrom - Date.now());
  }

  /**
   * Reports a status of a delivery on `edoc.status` and resolves with the message id once the
   * broker confirmed it. To re-send the same report after a failure, pass that id again.
   */
  reportStatus(deliveryId: string, documentId: string, status: StatusCode | string, reason?: string, options: { messageId?: string; handler?: string } = {}): Promise<string> {
    return this.reporter.report({ deliveryId, documentId, status, reason, messageId: options.messageId, handler: options.handler });
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  /** Lets the message being handled finish, then closes; unacked messages return to the queue. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.wakeTimer);
    await this.inFlight?.catch(() => undefined);
    await Promise.all(this.consumers.map((consumer) => consumer.close()));
    await this.reporter.close().catch(() => undefined);
    await this.connection.close();
    if (this.ownsJournal) await this.journal.close();
  }

  private onMessage(channel: Channel, urgent: boolean, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer (queue deleted or moved): reopen, which consumes again.
      this.logger.warn(`the broker cancelled the consumer of ${urgent ? this.queues.urgent : this.queues.normal}; consuming again`);
      channel.close().catch(() => undefined);
      return;
    }
    this.pending.push({ channel, message, urgent, attempts: 0 }, urgent);
    this.schedule(this.dispatchFrom - Date.now());
  }

  /**
   * Waits until both consumers are open, or one is and `graceMs` has passed since the start; returns
   * the queues still shut, with why. No deadline otherwise: what is not there yet may come. Polls,
   * because opens and failures arrive on different paths and a ward starts once.
   */
  private async untilConsuming(graceMs: number): Promise<string[]> {
    const since = Date.now();
    const names = [this.queues.urgent, this.queues.normal];
    for (;;) {
      if (this.startFailure !== undefined) throw this.startFailure;
      if (this.closing) throw new Error('the ward client was closed before it could consume');
      const shut = this.consumers.flatMap((consumer, index) => (consumer.current === undefined ? [`${names[index]}: ${consumer.lastCloseReason ?? 'not open yet'}`] : []));
      if (shut.length === 0 || (shut.length < this.consumers.length && Date.now() - since >= graceMs)) return shut;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A consumer's channel could not be opened or set up; it is retried after `retryInMs`. */
  private onConsumeFailed(queue: string, error: unknown, retryInMs: number): void {
    const verdict = judgeConsumeFailure(queue, errorMessage(error), this.identity);
    if (verdict.fatal && this.starting) {
      this.startFailure ??= new WardStartError(verdict.message);
      return;
    }
    // Fatal only at the start: once running, a permission taken away may be given back.
    if (verdict.fatal) this.logger.error(`${verdict.message}; retrying in ${seconds(retryInMs)}`);
    else this.logger.warn(`${verdict.message}; retrying in ${seconds(retryInMs)}`);
  }

  /** A closed channel's unacked messages go back to the queue by themselves; forget them here. */
  private forgetChannel(channel: Channel): void {
    this.closedChannels.add(channel);
    this.pending.removeWhere((received) => received.channel === channel);
  }

  private schedule(delayMs: number): void {
    if (this.closing || this.inFlight !== undefined) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.dispatch(), Math.max(0, delayMs));
  }

  /** Handles one message at a time, urgent first; re-arms itself for retries that wait. */
  private dispatch(): void {
    if (this.closing || this.inFlight !== undefined) return;
    const received = this.pending.take(Date.now());
    if (received === undefined) {
      const next = this.pending.nextReadyAt();
      if (next !== undefined) this.schedule(next - Date.now());
      return;
    }
    this.inFlight = this.handle(received)
      .catch((error: unknown) => this.logger.error(`ward client: ${errorMessage(error)}`))
      .finally(() => {
        this.inFlight = undefined;
        this.schedule(0);
      });
  }

  private async handle(received: Received): Promise<void> {
    const { message } = received;
    const messageId = typeof message.properties.messageId === 'string' ? message.properties.messageId : undefined;
    let outcome: ProcessOutcome;
    try {
      outcome = await this.processor!.process({
        content: message.content,
        messageId,
        type: typeof message.properties.type === 'string' ? message.properties.type : undefined,
        contentType: typeof message.properties.contentType === 'string' ? message.properties.contentType : undefined,
        urgent: received.urgent,
      });
    } catch (error) {
      // Not expected (the processor turns failures into outcomes), but a message must never stay unsettled.
      outcome = { action: 'retry', reason: `unexpected failure: ${errorMessage(error)}`, messageId, urgent: received.urgent };
    }
    this.settle(received, outcome);
  }

  private settle(received: Received, outcome: ProcessOutcome): void {
    switch (outcome.action) {
      case 'ack':
        this.acknowledge(received, () => received.channel.ack(received.message));
        if (outcome.kind === 'report-refused') {
          this.logger.warn(`edoc refused report ${outcome.refusal.reportMessageId} (status ${outcome.refusal.status} on delivery ${outcome.refusal.deliveryId}): ${outcome.refusal.reason}`);
          this.emit({ kind: 'report-refused', refusal: outcome.refusal, messageId: outcome.messageId });
          return;
        }
        this.emit(outcome.kind === 'delivered'
          ? { kind: 'delivered', delivery: outcome.delivery, messageId: outcome.messageId, urgent: outcome.urgent, resumed: outcome.resumed }
          : { kind: 'duplicate', delivery: outcome.delivery, messageId: outcome.messageId, urgent: outcome.urgent });
        return;
      case 'reject':
        // Never processable: without requeue it goes to dlq.inbox.<code> for edoc's administrators.
        this.acknowledge(received, () => received.channel.nack(received.message, false, false));
        this.emit({ kind: 'rejected', reason: outcome.reason, delivery: outcome.delivery, messageId: outcome.messageId, urgent: outcome.urgent });
        return;
      case 'retry': {
        received.attempts++;
        const requeued = received.attempts >= this.retry.attempts;
        if (requeued) {
          // Back to the broker: it counts the delivery and dead-letters past the queue's delivery limit.
          this.acknowledge(received, () => received.channel.nack(received.message, false, true));
        } else {
          const delay = Math.min(this.retry.maxDelayMs, this.retry.firstDelayMs * 2 ** (received.attempts - 1));
          this.pending.push(received, received.urgent, Date.now() + delay);
        }
        this.emit({ kind: 'retrying', reason: outcome.reason, delivery: outcome.delivery, messageId: outcome.messageId, urgent: outcome.urgent, attempt: received.attempts, requeued });
      }
    }
  }

  /** Settles on the channel the message came on; if that channel is gone, the broker redelivers it. */
  private acknowledge(received: Received, settle: () => void): void {
    if (this.closedChannels.has(received.channel)) return;
    try {
      settle();
    } catch (error) {
      this.logger.warn(`could not settle message ${String(received.message.properties.messageId)}: ${errorMessage(error)}; the broker will redeliver it`);
    }
  }

  private emit(event: WardEvent): void {
    try {
      this.opts.onEvent?.(event);
    } catch (error) {
      this.logger.error(`onEvent listener failed: ${errorMessage(error)}`);
    }
  }
}

function retryOptions(retry: WardRetryOptions | undefined): Required<WardRetryOptions> {
  const result = { attempts: retry?.attempts ?? 4, firstDelayMs: retry?.firstDelayMs ?? 1_000, maxDelayMs: retry?.maxDelayMs ?? 30_000 };
  if (!Number.isInteger(result.attempts) || result.attempts < 1) throw new Error(`retry.attempts must be a positive integer, got ${result.attempts}`);
  if (!(result.firstDelayMs >= 0) || !(result.maxDelayMs >= result.firstDelayMs)) {
    throw new Error(`retry delays must satisfy 0 <= firstDelayMs <= maxDelayMs, got ${result.firstDelayMs} and ${result.maxDelayMs}`);
  }
  return result;
}

function brokerRetryOptions(retry: WardBrokerRetryOptions | undefined): Required<WardBrokerRetryOptions> {
  const result = { firstDelayMs: retry?.firstDelayMs ?? 1_000, maxDelayMs: retry?.maxDelayMs ?? 30_000 };
  if (!(result.firstDelayMs > 0) || !(result.maxDelayMs >= result.firstDelayMs)) {
    throw new Error(`brokerRetry delays must satisfy 0 < firstDelayMs <= maxDelayMs, got ${result.firstDelayMs} and ${result.maxDelayMs}`);
  }
  return result;
}

function isFileSource(value: HttpFileSourceOptions | FileSource): value is FileSource {
  return typeof (value as FileSource).fetch === 'function';
}
