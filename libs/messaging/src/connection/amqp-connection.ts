import { once } from 'node:events';
import * as amqp from 'amqp-connection-manager';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { ChannelModel } from 'amqplib';
import { redactUrl } from '@edoc/config';
import { errorMessage } from '../errors';
import { defaultLogger, type MessagingLogger } from '../logger';
import { assertAmqpUrl, redactUrlIn, vhostOf } from './amqp-url';
import { coalesceSocketWrites } from './coalesced-writes';
import { ConnectAttempts, type ConnectFailure } from './connect-attempts';
import { ManagedChannel, type ManagedChannelOptions } from './managed-channel';
import type { Channel } from 'amqplib';

export interface AmqpConnectionOptions {
  /** Shown as the connection name in the management UI, so an operator can tell services apart. */
  name?: string;
  /**
   * Give up the first connect after this long; 0 = never (keep trying until connected or the login
   * is refused). Reconnects after that are unlimited. Default 30 s.
   */
  timeoutMs?: number;
  heartbeatSeconds?: number;
  /** Pause between reconnect attempts; default 1 s. */
  reconnectSeconds?: number;
  /** Double the pause after each failed attempt, up to this; default: no doubling. */
  maxReconnectSeconds?: number;
  /** Told of every failed attempt (reason without the password), e.g. to log why it waits. */
  onConnectFailed?: (failure: ConnectFailure) => void;
  logger?: MessagingLogger;
}

type Listener = () => void;

/**
 * One AMQP connection that comes back by itself after a broker restart or a forced close
 * (amqp-connection-manager). Channels made with `channel()` are reopened on every reconnect.
 * The URL's password never reaches a log line or an error message.
 */
export class AmqpConnection {
  private readonly connectListeners = new Set<Listener>();
  private readonly disconnectListeners = new Set<Listener>();
  private readonly channels = new Set<ManagedChannel<Channel>>();
  private closed = false;

  private constructor(
    private readonly manager: AmqpConnectionManager,
    readonly redactedUrl: string,
    /** The virtual host connected to. */
    readonly vhost: string,
    readonly name: string,
    /** The broker user connected as: what RabbitMQ accepts as the user_id of our messages. */
    readonly username: string,
    private readonly logger: MessagingLogger,
  ) {
    manager.on('connect', ({ connection }: { connection: ChannelModel }) => {
      coalesceSocketWrites(connection);
      this.logger.log(`connected to ${this.redactedUrl} as "${this.name}"`);
      for (const listener of this.connectListeners) listener();
    });
    manager.on('disconnect', ({ err }: { err?: Error }) => {
      if (this.closed) return;
      this.logger.warn(`connection "${this.name}" to ${this.redactedUrl} lost: ${err === undefined ? 'closed' : errorMessage(err)}; reconnecting`);
      for (const listener of this.disconnectListeners) listener();
    });
    manager.on('blocked', ({ reason }: { reason: string }) => this.logger.warn(`broker blocked connection "${this.name}": ${reason}`));
  }

  /**
   * Connects; resolves on the first success, rejects (and stops trying) when the broker refuses the
   * login or after `timeoutMs`.
   */
  static async connect(url: string, opts: AmqpConnectionOptions = {}): Promise<AmqpConnection> {
    assertAmqpUrl(url);
    const name = opts.name ?? 'edoc';
    const redacted = redactUrl(url);
    const manager = amqp.connect([url], {
      heartbeatIntervalInSeconds: opts.heartbeatSeconds ?? 5,
      reconnectTimeInSeconds: opts.reconnectSeconds ?? 1,
      connectionOptions: { clientProperties: { connection_name: name } },
    });
    const reconnectSeconds = opts.reconnectSeconds ?? 1;
    // The event carries the URL with its password: only the redacted reason is kept.
    const attempts = new ConnectAttempts(manager, {
      firstDelayMs: reconnectSeconds * 1000,
      maxDelayMs: Math.max(reconnectSeconds, opts.maxReconnectSeconds ?? reconnectSeconds) * 1000,
      redact: (text) => redactUrlIn(text, url),
      onFailure: opts.onConnectFailed,
    });
    const connection = new AmqpConnection(manager, redacted, vhostOf(url), name, decodeURIComponent(new URL(url).username) || 'guest', opts.logger ?? defaultLogger('AmqpConnection'));
    try {
      await attempts.untilConnected(opts.timeoutMs ?? 30_000);
    } catch (error) {
      await manager.close().catch(() => undefined);
      const reason = attempts.lastFailure ?? errorMessage(error);
      throw new Error(`cannot connect to RabbitMQ at ${redacted}: ${reason}`);
    }
    return connection;
  }

  isConnected(): boolean {
    return !this.closed && this.manager.isConnected();
  }

  /** The live amqplib connection, or undefined while reconnecting. */
  get current(): ChannelModel | undefined {
    return this.manager.connection;
  }

  /** Resolves when connected (at once if already), rejects after `timeoutMs`. */
  async waitForConnection(timeoutMs: number): Promise<ChannelModel> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const current = this.current;
      if (current !== undefined) return current;
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await once(this.manager, 'connect', { signal: AbortSignal.timeout(remaining) }).catch(() => undefined);
    }
    throw new Error(this.closed ? `connection "${this.name}" is closed` : `not connected to ${this.redactedUrl} after ${timeoutMs} ms`);
  }

  /** Calls `listener` after every (re)connect; returns a function that removes it. */
  onConnect(listener: Listener): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  onDisconnect(listener: Listener): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /**
   * A channel reopened after every reconnect and after a channel-level error. Pass
   * `confirm: true` (and the type ConfirmChannel) for a publisher-confirm channel.
   */
  channel<C extends Channel = Channel>(opts: ManagedChannelOptions<C>): ManagedChannel<C> {
    if (this.closed) throw new Error(`connection "${this.name}" is closed`);
    const channel = new ManagedChannel<C>(this, opts, this.logger);
    this.channels.add(channel as unknown as ManagedChannel<Channel>);
    channel.onClose(() => this.channels.delete(channel as unknown as ManagedChannel<Channel>));
    return channel;
  }

  /** The amqp-connection-manager underneath (what Nest's `unwrap()` returns). */
  unwrap(): AmqpConnectionManager {
    return this.manager;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.channels].map((channel) => channel.close()));
    await this.manager.close();
  }
}
