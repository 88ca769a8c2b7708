import { PROTOBUF_CONTENT_TYPE } from '@edoc/contracts';
import type { OutgoingMessage } from '../publishing/outgoing-message';

/** One pending row of `<schema>.outbox`, as the relay reads it. */
export interface OutboxRow {
  seq: string;
  message_id: string;
  exchange: string;
  routing_key: string;
  message_type: string;
  body: Buffer;
  headers: Record<string, string | number>;
  priority: number | null;
  created_at: Date;
}

/**
 * The message of a row, published as `userId`: the relay's own broker user, which RabbitMQ
 * validates, so a consumer knows for certain which service an event comes from.
 */
export function outboxRowToMessage(row: OutboxRow, appId: string, userId: string): OutgoingMessage {
  return {
    exchange: row.exchange,
    routingKey: row.routing_key,
    content: row.body,
    properties: {
      messageId: row.message_id,
      type: row.message_type,
      contentType: PROTOBUF_CONTENT_TYPE,
      appId,
      userId,
      // When the event happened, not when the relay got round to it.
      timestamp: Math.floor(row.created_at.getTime() / 1000),
      headers: { ...row.headers },
      ...(row.priority === null ? {} : { priority: row.priority }),
      persistent: true,
    },
  };
}
