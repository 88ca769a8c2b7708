import type { AmqpConnection } from '../connection/amqp-connection';
import { BROKER_RPC_TIMEOUT_MS, withinDeadline } from '../connection/broker-deadline';
import { errorMessage } from '../errors';

/**
 * Finds out whether exchanges exist before publishing to them: publishing to a missing exchange
 * makes the broker close the whole channel, failing every other publish in flight on it. The
 * passive check runs on a throw-away channel instead. Existing exchanges are remembered a while.
 */
export class ExchangeChecker {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly rememberMs = 30_000,
  ) {}

  /** The subset of `exchanges` that does not exist. Throws when the broker cannot be asked. */
  async missing(exchanges: Iterable<string>): Promise<Set<string>> {
    const absent = new Set<string>();
    const now = Date.now();
    for (const exchange of new Set(exchanges)) {
      if (exchange === '' || exchange.startsWith('amq.')) continue;
      if ((this.known.get(exchange) ?? 0) > now) continue;
      if (await this.exists(exchange)) this.known.set(exchange, now + this.rememberMs);
      else absent.add(exchange);
    }
    return absent;
  }

  async exists(exchange: string): Promise<boolean> {
    const connection = this.connection.current;
    if (connection === undefined) throw new Error('not connected to the broker');
    const channel = await withinDeadline(connection.createChannel(), BROKER_RPC_TIMEOUT_MS, `opening a channel to check exchange ${exchange}`, (late) => {
      late.close().catch(() => undefined);
    });
    // The broker closes the channel on a 404; the error event must have a listener.
    channel.on('error', () => undefined);
    try {
      await withinDeadline(channel.checkExchange(exchange), BROKER_RPC_TIMEOUT_MS, `checking exchange ${exchange}`);
      await channel.close().catch(() => undefined);
      return true;
    } catch (error) {
      await channel.close().catch(() => undefined);
      if (/NOT[_-]FOUND|\b404\b/.test(errorMessage(error))) return false;
      throw error;
    }
  }

  forget(exchange: string): void {
    this.known.delete(exchange);
  }
}
