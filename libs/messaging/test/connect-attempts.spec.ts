import { EventEmitter } from 'node:events';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { backoffDelayMs, ConnectAttempts, isLoginRefused, isVhostRefused, redactUrlIn, type ConnectFailure } from '@edoc/messaging';

// What amqplib says, as seen against RabbitMQ 3.10.
const LOGIN_REFUSED = 'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."';
const VHOST_REFUSED = 'Expected ConnectionOpenOk; got <ConnectionClose channel:0>';
const REFUSED_PORT = 'connect ECONNREFUSED 127.0.0.1:5672';

/** Stands in for amqp-connection-manager: the events it emits and the pause it reads after a failure. */
class FakeManager extends EventEmitter {
  reconnectTimeInSeconds = 1;
  connected = false;
  isConnected(): boolean {
    return this.connected;
  }
  fail(message: string): void {
    this.emit('connectFailed', { err: new Error(message), url: 'amqp://ward:s3cret-pw@broker/v' });
  }
  connect(): void {
    this.connected = true;
    this.emit('connect', { connection: {}, url: 'amqp://ward:s3cret-pw@broker/v' });
  }
}

function watch(manager: FakeManager, failures: ConnectFailure[]): ConnectAttempts {
  return new ConnectAttempts(manager as unknown as AmqpConnectionManager, {
    firstDelayMs: 1_000,
    maxDelayMs: 30_000,
    redact: (text) => redactUrlIn(text, 'amqp://ward:s3cret-pw@broker/v'),
    onFailure: (failure) => failures.push(failure),
  });
}

describe('backoffDelayMs', () => {
  it('doubles from the first pause and stops at the longest', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelayMs(n, 1_000, 30_000))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('what a failed connect means', () => {
  it('tells a refused login, which waiting cannot fix, from everything else', () => {
    expect(isLoginRefused(LOGIN_REFUSED)).toBe(true);
    expect(isLoginRefused(VHOST_REFUSED)).toBe(false);
    expect(isLoginRefused(REFUSED_PORT)).toBe(false);
    // amqp-connection-manager gives up on any message holding "403": a port or host name may.
    expect(isLoginRefused('getaddrinfo ENOTFOUND mq403.example.gov.vn')).toBe(false);
  });

  it('recognises the virtual host the broker would not open', () => {
    expect(isVhostRefused(VHOST_REFUSED)).toBe(true);
    expect(isVhostRefused(LOGIN_REFUSED)).toBe(false);
  });

  it('redacts a URL and its password wherever a message quotes them', () => {
    expect(redactUrlIn('cannot open amqp://ward:s3cret%2Fpw@broker/v now', 'amqp://ward:s3cret%2Fpw@broker/v')).toBe('cannot open amqp://ward:***@broker/v now');
    expect(redactUrlIn('bad url amqp://ward:s3cret/pw@broker', 'amqp://ward:s3cret%2Fpw@broker/v')).toBe('bad url amqp://ward:***@broker');
  });
});

describe('ConnectAttempts', () => {
  it('reports each failure with a growing pause, and starts again from the first pause after a connect', () => {
    const manager = new FakeManager();
    const failures: ConnectFailure[] = [];
    watch(manager, failures);
    manager.fail(REFUSED_PORT);
    manager.fail(REFUSED_PORT);
    expect(manager.reconnectTimeInSeconds).toBe(2);
    manager.fail(VHOST_REFUSED);
    expect(failures.map((f) => [f.attempt, f.retryInMs, f.firstConnect])).toEqual([[1, 1_000, true], [2, 2_000, true], [3, 4_000, true]]);
    expect(manager.reconnectTimeInSeconds).toBe(4);
    manager.connect();
    expect(manager.reconnectTimeInSeconds).toBe(1);
    manager.fail(REFUSED_PORT);
    expect(failures[3]).toEqual({ reason: REFUSED_PORT, attempt: 1, retryInMs: 1_000, firstConnect: false });
  });

  it('waits through failures that can pass and resolves on the connect', async () => {
    const manager = new FakeManager();
    const attempts = watch(manager, []);
    const connected = attempts.untilConnected(0);
    manager.fail(REFUSED_PORT);
    manager.fail(VHOST_REFUSED);
    manager.connect();
    await expect(connected).resolves.toBeUndefined();
  });

  it('gives up at once on a refused login, without a "retrying" report and without the password', async () => {
    const manager = new FakeManager();
    const failures: ConnectFailure[] = [];
    const attempts = watch(manager, failures);
    const connected = attempts.untilConnected(0);
    manager.fail(`${LOGIN_REFUSED} (amqp://ward:s3cret-pw@broker/v)`);
    await expect(connected).rejects.toThrow(/ACCESS_REFUSED - Login was refused.*amqp:\/\/ward:\*\*\*@broker\/v/);
    expect(failures).toEqual([]);
    expect(attempts.lastFailure).not.toContain('s3cret-pw');
  });

  it('gives up after its timeout when one is given', async () => {
    const attempts = watch(new FakeManager(), []);
    await expect(attempts.untilConnected(20)).rejects.toThrow('not connected within 20 ms');
  });
});
