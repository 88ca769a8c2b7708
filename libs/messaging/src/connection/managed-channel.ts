import type { Channel } from 'amqplib';
import { errorMessage } from '../errors';
import type { MessagingLogger } from '../logger';
import type { AmqpConnection } from './amqp-connection';
import { backoffDelayMs } from './backoff';
import { BROKER_RPC_TIMEOUT_MS, withinDeadline } from './broker-deadline';

export interface ManagedChannelOptions<C extends Channel> {
  /** For log lines. */
  name: string;
  confirm?: boolean;
  /** Runs on every new underlying channel (prefetch, consume, return listeners). */
  setup?: (channel: C) => Promise<void>;
  /** Pause before reopening after a failure, doubled each time up to `max`; default 100 ms to 5 s. */
  reopenDelayMs?: { first: number; max: number };
  /** Told of each failed open with the pause before the next, instead of the default log line. */
  onOpenFailed?: (error: unknown, retryInMs: number) => void;
}

/**
 * A channel that is reopened after a reconnect and after the broker closes it for a channel-level
 * error (publishing to a missing exchange, acking an unknown tag). amqp-connection-manager's own
 * ChannelWrapper waits for a full reconnect in the second case, which would stall a healthy
 * connection, and acks on whatever channel is current, which would ack the wrong message.
 */
export class ManagedChannel<C extends Channel> {
  private channel: C | undefined;
  private opening = false;
  private closed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly closeCallbacks: (() => void)[] = [];
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly connection: AmqpConnection,
    private readonly opts: ManagedChannelOptions<C>,
    private readonly logger: MessagingLogger,
  ) {
    this.unsubscribe.push(connection.onConnect(() => this.open()));
    this.unsubscribe.push(connection.onDisconnect(() => this.drop()));
    if (connection.isConnected()) this.open();
  }

  /** The open channel, or undefined while (re)opening. */
  get current(): C | undefined {
    return this.channel;
  }

  /** Why the broker last closed this channel, for error messages. */
  get lastCloseReason(): string | undefined {
    return this.lastError;
  }

  async waitForOpen(timeoutMs: number): Promise<C> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (this.channel !== undefined) return this.channel;
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
    throw new Error(
      this.closed
        ? `channel ${this.opts.name} is closed`
        : `channel ${this.opts.name} not open after ${timeoutMs} ms${this.lastError === undefined ? '' : ` (${this.lastError})`}`,
    );
  }

  /**
   * For a caller that found `channel` closed (amqplib threw "Channel closed"): if it is still the
   * current one, it is dropped and reopened. A channel whose close event was missed would otherwise
   * fail every publish until the next reconnect.
   */
  discard(channel: C): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.logger.warn(`channel ${this.opts.name} was found closed; reopening it`);
    this.scheduleReopen();
  }

  /** Closes the current channel so it is reopened (and set up) afresh. */
  reset(): void {
    const channel = this.channel;
    if (channel !== undefined) channel.close().catch(() => undefined);
  }

  onClose(callback: () => void): void {
    this.closeCallbacks.push(callback);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const stop of this.unsubscribe) stop();
    const channel = this.channel;
    this.channel = undefined;
    this.wakeWaiters();
    if (channel !== undefined) await channel.close().catch(() => undefined);
    for (const callback of this.closeCallbacks) callback();
  }

  private open(): void {
    if (this.closed || this.opening || this.channel !== undefined) return;
    const connection = this.connection.current;
    if (connection === undefined) return;
    this.opening = true;
    clearTimeout(this.retryTimer);
    const create = this.opts.confirm === true ? connection.createConfirmChannel() : connection.createChannel();
    let closedEarly = false;
    withinDeadline(create as Promise<C>, BROKER_RPC_TIMEOUT_MS, `opening channel ${this.opts.name}`, (late) => {
      late.close().catch(() => undefined);
    })
      .then(async (channel) => {
        channel.on('error', (error: Error) => {
          this.lastError = error.message;
        });
        channel.on('close', () => {
          closedEarly = true;
          this.onChannelClosed(channel);
        });
        try {
          if (this.opts.setup !== undefined) await withinDeadline(this.opts.setup(channel), BROKER_RPC_TIMEOUT_MS, `setting up channel ${this.opts.name}`);
        } catch (error) {
          this.lastError = errorMessage(error);
          await channel.close().catch(() => undefined);
          throw error;
        }
        if (this.closed) {
          await channel.close().catch(() => undefined);
          return;
        }
        // The open-ok and the connection's close can arrive in one read from the socket: the channel
        // is then closed before its close listener exists, on a connection that is gone, and the
        // reconnect's open() was skipped because this one was in progress. Open again instead.
        if (closedEarly || this.connection.current !== connection) {
          await channel.close().catch(() => undefined);
          throw new Error('its connection closed while the channel was being opened');
        }
        this.channel = channel;
        this.failures = 0;
        this.lastError = undefined;
        this.wakeWaiters();
      })
      .catch((error: unknown) => {
        const retryInMs = this.scheduleReopen();
        if (this.opts.onOpenFailed !== undefined) this.opts.onOpenFailed(error, retryInMs);
        else this.logger.error(`channel ${this.opts.name} could not be opened: ${errorMessage(error)}`);
      })
      .finally(() => {
        this.opening = false;
      });
  }

  private onChannelClosed(channel: C): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    if (this.closed) return;
    if (this.lastError !== undefined) this.logger.warn(`channel ${this.opts.name} closed by the broker: ${this.lastError}`);
    this.scheduleReopen();
  }

  private drop(): void {
    this.channel = undefined;
  }

  /** Returns the pause before the next try. */
  private scheduleReopen(): number {
    if (this.closed) return 0;
    this.failures++;
    const delay = backoffDelayMs(this.failures, this.opts.reopenDelayMs?.first ?? 100, this.opts.reopenDelayMs?.max ?? 5_000);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
    this.retryTimer.unref();
    return delay;
  }

  private wakeWaiters(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}
