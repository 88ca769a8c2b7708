import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { errorMessage } from '../errors';
import { backoffDelayMs } from './backoff';
import { isLoginRefused } from './connect-failure';

/** One failed attempt to reach the broker, for a log line. */
export interface ConnectFailure {
  /** Why it failed, with the URL's password taken out. */
  reason: string;
  /** Failed attempts in a row, 1 for the first. */
  attempt: number;
  /** The pause before the next attempt. */
  retryInMs: number;
  /** True while the connection has never been up: the first connect, not a reconnect. */
  firstConnect: boolean;
}

export interface ConnectAttemptsOptions {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Removes secrets from a failure's text. */
  redact: (text: string) => string;
  onFailure?: (failure: ConnectFailure) => void;
}

/**
 * Watches the connect attempts of an amqp-connection-manager: keeps the last failure, spaces the
 * attempts out (doubling from firstDelayMs up to maxDelayMs, back to firstDelayMs once connected)
 * and reports each failure. amqp-connection-manager waits a fixed `reconnectTimeInSeconds`, which
 * it reads right after emitting `connectFailed`: setting it there is how the pause grows.
 */
export class ConnectAttempts {
  lastFailure: string | undefined;
  private failures = 0;
  private connected = false;

  constructor(
    private readonly manager: AmqpConnectionManager,
    private readonly opts: ConnectAttemptsOptions,
  ) {
    manager.on('connectFailed', ({ err }: { err: unknown }) => this.onFailed(err));
    manager.on('connect', () => {
      this.connected = true;
      this.failures = 0;
      manager.reconnectTimeInSeconds = opts.firstDelayMs / 1000;
    });
  }

  /**
   * Resolves on the first connect. Rejects at once when the broker refuses the login (a wrong user
   * or password does not come right by waiting), and after `timeoutMs` unless that is 0.
   */
  untilConnected(timeoutMs: number): Promise<void> {
    if (this.manager.isConnected()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = timeoutMs > 0 ? setTimeout(() => finish(new Error(`not connected within ${timeoutMs} ms`)), timeoutMs) : undefined;
      const onConnect = () => finish();
      const onFailed = ({ err }: { err: unknown }) => {
        if (isLoginRefused(errorMessage(err))) finish(new Error(this.opts.redact(errorMessage(err))));
      };
      const manager = this.manager;
      function finish(error?: Error): void {
        clearTimeout(timer);
        manager.off('connect', onConnect);
        manager.off('connectFailed', onFailed);
        if (error === undefined) resolve();
        else reject(error);
      }
      manager.on('connect', onConnect);
      manager.on('connectFailed', onFailed);
    });
  }

  private onFailed(err: unknown): void {
    this.failures++;
    const reason = this.opts.redact(errorMessage(err));
    this.lastFailure = reason;
    const retryInMs = backoffDelayMs(this.failures, this.opts.firstDelayMs, this.opts.maxDelayMs);
    this.manager.reconnectTimeInSeconds = retryInMs / 1000;
    // A refused login ends a first connect (untilConnected): no "retrying" line for it then.
    if (!this.connected && isLoginRefused(reason)) return;
    this.opts.onFailure?.({ reason, attempt: this.failures, retryInMs, firstConnect: !this.connected });
  }
}
