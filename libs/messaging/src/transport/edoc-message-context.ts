import type { ConsumeMessage, MessageProperties } from 'amqplib';
import { BaseRpcContext } from '@nestjs/microservices';
import { DELIVERY_COUNT_HEADER } from '../headers';

/** What a handler learns about the delivery besides the decoded message (`@Ctx() ctx: EdocMessageContext`). */
export interface EdocDeliveryInfo {
  messageId: string;
  /** Full protobuf type name, e.g. "edoc.v1.DocumentIssued". */
  type: string;
  exchange: string;
  routingKey: string;
  queue: string;
  headers: Record<string, unknown>;
  /**
   * The AMQP user_id property: RabbitMQ refuses a publish whose user_id is not the publishing
   * connection's user, so this names the sender reliably (e.g. which ward reported a status).
   * Undefined when the publisher did not set it.
   */
  userId: string | undefined;
  appId: string | undefined;
  timestamp: Date | undefined;
  /** Failed deliveries before this one (the quorum queue's x-delivery-count). */
  deliveryCount: number;
  redelivered: boolean;
  properties: MessageProperties;
}

export class EdocMessageContext extends BaseRpcContext<[EdocDeliveryInfo]> implements EdocDeliveryInfo {
  readonly messageId: string;
  readonly type: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly queue: string;
  readonly headers: Record<string, unknown>;
  readonly userId: string | undefined;
  readonly appId: string | undefined;
  readonly timestamp: Date | undefined;
  readonly deliveryCount: number;
  readonly redelivered: boolean;
  readonly properties: MessageProperties;

  constructor(info: EdocDeliveryInfo) {
    super([info]);
    this.messageId = info.messageId;
    this.type = info.type;
    this.exchange = info.exchange;
    this.routingKey = info.routingKey;
    this.queue = info.queue;
    this.headers = info.headers;
    this.userId = info.userId;
    this.appId = info.appId;
    this.timestamp = info.timestamp;
    this.deliveryCount = info.deliveryCount;
    this.redelivered = info.redelivered;
    this.properties = info.properties;
  }

  /** 1 for the first delivery. */
  get attempt(): number {
    return this.deliveryCount + 1;
  }

  static fromDelivery(message: ConsumeMessage, queue: string, messageId: string, type: string): EdocMessageContext {
    const { properties, fields } = message;
    const headers = (properties.headers ?? {}) as Record<string, unknown>;
    return new EdocMessageContext({
      messageId,
      type,
      exchange: fields.exchange,
      routingKey: fields.routingKey,
      queue,
      headers,
      userId: typeof properties.userId === 'string' && properties.userId !== '' ? properties.userId : undefined,
      appId: typeof properties.appId === 'string' ? properties.appId : undefined,
      timestamp: typeof properties.timestamp === 'number' ? new Date(properties.timestamp * 1000) : undefined,
      deliveryCount: deliveryCountOf(headers),
      redelivered: fields.redelivered,
      properties,
    });
  }
}

export function deliveryCountOf(headers: Record<string, unknown> | undefined): number {
  const raw = headers?.[DELIVERY_COUNT_HEADER];
  const count = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : 0;
  return Number.isInteger(count) && count > 0 ? count : 0;
}
