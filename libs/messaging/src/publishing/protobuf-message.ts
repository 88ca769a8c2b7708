import { randomUUID } from 'node:crypto';
import { isMessage, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { PROTOBUF_CONTENT_TYPE } from '@edoc/contracts';
import type { OutgoingMessage } from './outgoing-message';

export type HeaderValue = string | number;

/** A protobuf event with where it goes: what the outbox stores and the publishers send. */
export interface EdocMessage<S extends DescMessage = DescMessage> {
  exchange: string;
  routingKey: string;
  schema: S;
  message: MessageShape<S>;
  /** A UUID; generated when absent. Consumers deduplicate by it. */
  messageId?: string;
  headers?: Record<string, HeaderValue>;
  priority?: number;
  correlationId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEADER_NAME = /^[\x21-\x7e]{1,128}$/;

/** Checks everything a broker or consumer would choke on later, naming the problem now. */
export function validateEdocMessage(msg: EdocMessage): string {
  if (typeof msg.exchange !== 'string') throw new Error('message exchange must be a string');
  if (typeof msg.routingKey !== 'string') throw new Error('message routing key must be a string');
  if (Buffer.byteLength(msg.routingKey) > 255) throw new Error(`routing key longer than 255 bytes: ${msg.routingKey.slice(0, 40)}…`);
  if (msg.exchange.startsWith('amq.') && msg.exchange !== 'amq.direct' && msg.exchange !== 'amq.topic') {
    throw new Error(`exchange ${msg.exchange} is reserved by RabbitMQ`);
  }
  if (!isMessage(msg.message, msg.schema)) {
    throw new Error(`message is not a ${msg.schema.typeName}: build it with create(${msg.schema.name}Schema, …)`);
  }
  const messageId = msg.messageId ?? randomUUID();
  if (!UUID.test(messageId)) throw new Error(`messageId must be a UUID, got "${messageId}"`);
  for (const [name, value] of Object.entries(msg.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new Error(`invalid header name "${name}"`);
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new Error(`header ${name} must be a string or a finite number`);
    }
  }
  if (msg.priority !== undefined && !(Number.isInteger(msg.priority) && msg.priority >= 0 && msg.priority <= 9)) {
    throw new Error(`priority must be an integer 0..9, got ${msg.priority}`);
  }
  return messageId.toLowerCase();
}

/** The wire form of an edoc message: protobuf body, type = full schema name, persistent. */
export function toOutgoing(msg: EdocMessage, opts: { appId: string; userId?: string; timestamp?: Date }): OutgoingMessage {
  const messageId = validateEdocMessage(msg);
  return {
    exchange: msg.exchange,
    routingKey: msg.routingKey,
    content: Buffer.from(toBinary(msg.schema, msg.message)),
    properties: {
      messageId,
      type: msg.schema.typeName,
      contentType: PROTOBUF_CONTENT_TYPE,
      appId: opts.appId,
      timestamp: Math.floor((opts.timestamp ?? new Date()).getTime() / 1000),
      headers: { ...msg.headers },
      ...(msg.priority === undefined ? {} : { priority: msg.priority }),
      ...(msg.correlationId === undefined ? {} : { correlationId: msg.correlationId }),
      ...(opts.userId === undefined ? {} : { userId: opts.userId }),
      persistent: true,
    },
  };
}
