import { Injectable } from '@nestjs/common';
import { create, MessageInitShape, MessageTypes, MessageTypeName, DeliverySchema, Priority } from '@edoc/contracts';
import type { Tx } from '@edoc/db';
import { EdocExchanges, Outbox } from '@edoc/messaging';

type EventName = Exclude<MessageTypeName, 'delivery' | 'statusReport'>;

/** Routing-key suffix of the dedicated path that lets urgent documents overtake normal ones. */
export const URGENT_SUFFIX = '.urgent';

/** KHẨN and above travel on the urgent path. */
export function isUrgent(priority: Priority): boolean {
  return priority !== Priority.NORMAL_UNSPECIFIED;
}

export interface EmitOptions {
  messageId?: string;
  /** Publish on the urgent path (the document is KHẨN, THƯỢNG KHẨN or HỎA TỐC). */
  urgent?: boolean;
}

/**
 * Writes messages into the service's outbox inside the caller's transaction: they are
 * published (with confirms) only if, and after, that transaction commits.
 */
@Injectable()
export class EventOutbox {
  constructor(private readonly outbox: Outbox) {}

  emit<K extends EventName>(tx: Tx, name: K, init: MessageInitShape<(typeof MessageTypes)[K]['schema']>, options: EmitOptions = {}): Promise<string> {
    const { schema, routingKey } = MessageTypes[name];
    return this.outbox.enqueue(tx, {
      exchange: EdocExchanges.events,
      routingKey: options.urgent ? `${routingKey}${URGENT_SUFFIX}` : routingKey,
      schema,
      message: create(schema, init as never),
      messageId: options.messageId,
    });
  }

  /** One delivery to one recipient, routed by the recipient's organisation code (urgent ones to its urgent queue). */
  deliver(tx: Tx, init: MessageInitShape<typeof DeliverySchema>, priority: Priority, options: { messageId?: string } = {}): Promise<string> {
    const message = create(DeliverySchema, init);
    const routingKey = isUrgent(priority) ? `${message.recipientCode}${URGENT_SUFFIX}` : message.recipientCode;
    return this.outbox.enqueue(tx, { exchange: EdocExchanges.inbox, routingKey, schema: DeliverySchema, message, messageId: options.messageId, priority });
  }
}
