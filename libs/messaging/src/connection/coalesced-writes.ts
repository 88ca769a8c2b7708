import type { ChannelModel } from 'amqplib';
import { coalesceWrites } from '@edoc/db';

/**
 * amqplib writes each frame on its own: the acks of messages that finished together, or the
 * publishes of an outbox batch, cost one write(2) each. Its socket (not in amqplib's published
 * types, so checked by coalesceWrites) sends what one turn wrote together instead.
 */
export function coalesceSocketWrites(model: ChannelModel): boolean {
  return coalesceWrites((model.connection as unknown as { stream?: unknown }).stream);
}
