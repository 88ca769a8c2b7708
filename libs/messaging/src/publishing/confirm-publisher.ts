import type { ConfirmChannel, Message } from 'amqplib';
import type { AmqpConnection } from '../connection/amqp-connection';
import type { ManagedChannel } from '../connection/managed-channel';
import { PublishNotConfirmedError } from '../errors';
import type { OutgoingMessage, PublishOutcome } from './outgoing-message';

export interface ConfirmPublisherOptions {
  name?: string;
  /** Longest wait for the channel plus the broker's confirm. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Publishes persistent, mandatory messages on a confirm channel and resolves only on the broker's
 * confirm. A returned message (no queue bound) resolves as `routed: false`: the broker sends the
 * return before the confirm, so by the time the confirm arrives the return has been seen.
 * Anything else (nack, channel or connection lost, timeout) rejects: the caller retries, and the
 * consumer's inbox absorbs the duplicate if the message did arrive after all.
 */
export class ConfirmPublisher {
  private readonly channel: ManagedChannel<ConfirmChannel>;
  /** messageId → returns seen and not yet matched with their confirm. */
  private readonly returned = new Map<string, number>();
  private readonly timeoutMs: number;

  constructor(connection: AmqpConnection, opts: ConfirmPublisherOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.channel = connection.channel<ConfirmChannel>({
      name: opts.name ?? 'publisher',
      confirm: true,
      setup: async (channel) => {
        channel.on('return', (message: Message) => this.noteReturn(message));
      },
    });
  }

  isReady(): boolean {
    return this.channel.current !== undefined;
  }

  async publish(message: OutgoingMessage): Promise<PublishOutcome> {
    const started = Date.now();
    const channel = await this.channel.waitForOpen(this.timeoutMs);
    const remaining = Math.max(1, this.timeoutMs - (Date.now() - started));
    const { messageId } = message.properties;
    return new Promise<PublishOutcome>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new PublishNotConfirmedError(`no confirm from the broker within ${this.timeoutMs} ms for message ${messageId}`));
      }, remaining);
      const onConfirm = (error: unknown) => {
        const wasReturned = this.takeReturn(messageId);
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error !== null && error !== undefined) {
          const closeReason = this.channel.lastCloseReason;
          const detail = closeReason ?? (error instanceof Error ? error.message : String(error));
          reject(new PublishNotConfirmedError(`message ${messageId} to ${message.exchange}/${message.routingKey} not confirmed: ${detail}`));
        } else if (wasReturned) {
          resolve({ routed: false, reason: `unroutable: ${message.exchange}/${message.routingKey}` });
        } else {
          resolve({ routed: true });
        }
      };
      try {
        channel.publish(
          message.exchange,
          message.routingKey,
          message.content,
          { ...message.properties, persistent: true, mandatory: true },
          onConfirm,
        );
      } catch (error) {
        // amqplib throws at once when the channel has just closed.
        this.channel.discard(channel);
        settled = true;
        clearTimeout(timer);
        reject(new PublishNotConfirmedError(`message ${messageId} not published: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  }

  async close(): Promise<void> {
    await this.channel.close();
  }

  private noteReturn(message: Message): void {
    const id = message.properties.messageId as string | undefined;
    if (id === undefined) return;
    this.returned.set(id, (this.returned.get(id) ?? 0) + 1);
  }

  private takeReturn(messageId: string): boolean {
    const count = this.returned.get(messageId) ?? 0;
    if (count === 0) return false;
    if (count === 1) this.returned.delete(messageId);
    else this.returned.set(messageId, count - 1);
    return true;
  }
}
