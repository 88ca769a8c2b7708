import { Client, type Notification } from 'pg';
import { redactUrl } from '@edoc/config';
import { errorMessage } from './pg-errors';
import type { DbLogger } from './queryable';

export interface NotificationListenerOptions {
  onNotification: (payload: string | undefined) => void;
  /** Called after every successful (re)connect, when notifications may have been missed. */
  onConnected?: () => void;
  /** Longest pause between reconnect attempts. */
  maxBackoffMs?: number;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** One LISTEN connection that reconnects with backoff until closed. */
export class DbNotificationListener {
  private client: Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly closeCallbacks: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly options: NotificationListenerOptions,
    private readonly logger: DbLogger,
    private readonly applicationName?: string,
  ) {
    if (!CHANNEL_NAME.test(channel)) {
      throw new Error(`invalid notification channel "${channel}": use lower-case letters, digits and _`);
    }
  }

  /** Resolves once listening; the first failure is thrown, later ones are retried. */
  async start(): Promise<void> {
    await this.connect();
  }

  isListening(): boolean {
    return this.client !== undefined;
  }

  onClose(callback: () => void): void {
    this.closeCallbacks.push(callback);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await client.end().catch(() => undefined);
    for (const callback of this.closeCallbacks) callback();
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: this.applicationName === undefined ? undefined : `${this.applicationName}:listen`,
      connectionTimeoutMillis: 10_000,
    });
    client.on('notification', (message: Notification) => {
      if (message.channel === this.channel) this.options.onNotification(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.options.onConnected?.();
  }

  private lost(client: Client, error: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.logger.warn(`LISTEN ${this.channel} on ${redactUrl(this.url)} lost (${error.message}); reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.failures++;
    const delay = Math.min(this.options.maxBackoffMs ?? 10_000, 250 * 2 ** Math.min(this.failures, 10));
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.logger.warn(`LISTEN ${this.channel} on ${redactUrl(this.url)} failed: ${errorMessage(error)}`);
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }
}
