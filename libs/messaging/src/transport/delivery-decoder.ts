import { fromBinary, type DescMessage, type Message } from '@bufbuild/protobuf';
import type { MessageProperties } from 'amqplib';
import { PROTOBUF_CONTENT_TYPE, schemaForType } from '@edoc/contracts';
import { errorMessage } from '../errors';

export interface DecoderOptions {
  maxMessageBytes: number;
  /** Whether this service has an @EventPattern handler for the type. */
  hasHandler: (type: string) => boolean;
  serviceName: string;
  /** Looks up a schema by type name; default @edoc/contracts' schemaForType. */
  schemaFor?: (type: string) => DescMessage | undefined;
}

export type DecodedDelivery =
  | { ok: true; messageId: string; type: string; schema: DescMessage; message: Message }
  | { ok: false; reason: string; messageId?: string; type?: string };

/**
 * Turns a delivery into a typed message, or into the reason it can never be handled. None of these
 * reasons goes away by retrying, so the transport dead-letters such a message at once.
 */
export function decodeDelivery(delivery: { content: Buffer; properties: Partial<MessageProperties> }, opts: DecoderOptions): DecodedDelivery {
  const { content, properties } = delivery;
  const messageId = nonEmptyString(properties.messageId);
  const type = nonEmptyString(properties.type);
  const known = { ...(messageId === undefined ? {} : { messageId }), ...(type === undefined ? {} : { type }) };
  if (content.length > opts.maxMessageBytes) {
    return { ok: false, ...known, reason: `body of ${content.length} bytes exceeds the limit of ${opts.maxMessageBytes} bytes (files travel by claim check, not in messages)` };
  }
  if (messageId === undefined) return { ok: false, ...known, reason: 'missing messageId property' };
  if (type === undefined) return { ok: false, ...known, reason: 'missing type property (the protobuf type name)' };
  const contentType = nonEmptyString(properties.contentType);
  if (contentType !== undefined && contentType !== PROTOBUF_CONTENT_TYPE) {
    return { ok: false, ...known, reason: `content type ${contentType} is not ${PROTOBUF_CONTENT_TYPE}` };
  }
  const schema = (opts.schemaFor ?? schemaForType)(type);
  if (schema === undefined) return { ok: false, ...known, reason: `unknown message type ${type}` };
  if (!opts.hasHandler(type)) return { ok: false, ...known, reason: `service ${opts.serviceName} has no handler for ${type}` };
  try {
    const message = fromBinary(schema, content);
    return { ok: true, messageId, type, schema, message };
  } catch (error) {
    return { ok: false, ...known, reason: `malformed protobuf body for ${type}: ${errorMessage(error)}` };
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
