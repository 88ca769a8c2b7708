import type { Options } from 'amqplib';

/** One message as it goes on the wire. */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  /** `messageId` is required: confirms and returns are matched by it. */
  properties: Options.Publish & { messageId: string };
}

export type PublishOutcome = { routed: true } | { routed: false; reason: string };
