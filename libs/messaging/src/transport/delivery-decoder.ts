import { fromBinary, type DescMessage, type Message } from '@bufbuild/protobuf';
import type { MessageProperties } from 'amqplib';
import { isPrintable, PROTOBUF_CONTENT_TYPE, schemaForType } from '@edoc/contracts';
import { errorMessage } from '../errors';
import { checkAcceptedType, checkPublisher, publisherDependsOnBody, type QueueContract, type RefusalKind } from './queue-contract';

export interface DecoderOptions {
  maxMessageBytes: number;
  /** The queue the delivery came from. */
  queue: string;
  /** What each queue takes, from whom. */
  contract: QueueContract;
  /** Whether this service has an @EventPattern handler for the type. */
  hasHandler: (type: string) => boolean;
  serviceName: string;
  /** Looks up a schema by type name; default @edoc/contracts' schemaForType. */
  schemaFor?: (type: string) => DescMessage | undefined;
}

export type DecodedDelivery =
  | { ok: true; messageId: string; type: string; schema: DescMessage; message: Message }
  | { ok: false; kind: RefusalKind; reason: string; messageId?: string; type?: string };

/** Longest message id taken: ids are UUIDs, and an id is stored with the effect it caused. */
const MAX_MESSAGE_ID_LENGTH = 200;

/**
 * Turns a delivery into a typed message, or into the reason it can never be handled: a broken
 * envelope, a type the queue does not take, a publisher that does not own the type, a body that
 * does not decode. None of these goes away by retrying, so the transport dead-letters such a
 * message at once and no handler ever sees it. The contract is checked before the body is parsed,
 * so bytes from a publisher with no business on the queue are never decoded; only an owner named
 * inside the message (a ward reporting for its own code) is checked after decoding.
 */
export function decodeDelivery(delivery: { content: Buffer; properties: Partial<MessageProperties> }, opts: DecoderOptions): DecodedDelivery {
  const { content, properties } = delivery;
  const messageId = nonEmptyString(properties.messageId);
  const type = nonEmptyString(properties.type);
  const userId = nonEmptyString(properties.userId);
  const known = { ...(messageId === undefined ? {} : { messageId }), ...(type === undefined ? {} : { type }) };
  const refuse = (kind: RefusalKind, reason: string): DecodedDelivery => ({ ok: false, kind, ...known, reason });
  if (content.length > opts.maxMessageBytes) {
    return refuse('malformed', `body of ${content.length} bytes exceeds the limit of ${opts.maxMessageBytes} bytes (files travel by claim check, not in messages)`);
  }
  if (messageId === undefined) return refuse('malformed', 'missing messageId property');
  if (messageId.length > MAX_MESSAGE_ID_LENGTH || !isPrintable(messageId)) {
    return refuse('malformed', `messageId must be at most ${MAX_MESSAGE_ID_LENGTH} printable characters`);
  }
  if (type === undefined) return refuse('malformed', 'missing type property (the protobuf type name)');
  const contentType = nonEmptyString(properties.contentType);
  if (contentType !== undefined && contentType !== PROTOBUF_CONTENT_TYPE) {
    return refuse('malformed', `content type ${contentType} is not ${PROTOBUF_CONTENT_TYPE}`);
  }
  const accepted = checkAcceptedType(opts.contract, opts.queue, type);
  if (!accepted.ok) return refuse(accepted.kind, accepted.reason);
  const publisher = checkPublisher(opts.contract, opts.queue, type, userId);
  if (!publisher.ok) return refuse(publisher.kind, publisher.reason);
  const schema = (opts.schemaFor ?? schemaForType)(type);
  if (schema === undefined) return refuse('unknown_type', `unknown message type ${type}`);
  if (!opts.hasHandler(type)) return refuse('no_handler', `service ${opts.serviceName} has no handler for ${type}`);
  let message: Message;
  try {
    message = fromBinary(schema, content);
  } catch (error) {
    return refuse('malformed', `malformed protobuf body for ${type}: ${errorMessage(error)}`);
  }
  if (publisherDependsOnBody(opts.contract, opts.queue, type)) {
    const owner = checkPublisher(opts.contract, opts.queue, type, userId, message);
    if (!owner.ok) return refuse(owner.kind, owner.reason);
  }
  return { ok: true, messageId, type, schema, message };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
