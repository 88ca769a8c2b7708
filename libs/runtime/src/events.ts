import { Injectable } from '@nestjs/common';
import { create, MessageInitShape, MessageTypes, MessageTypeName, DeliverySchema, Priority } from '@edoc/contracts';
import type { Tx } from '@edoc/db';
import { EdocExchanges, Outbox } from '@edoc/messaging';

type EventName = Exclude<MessageTypeName, 'delivery' | 'statusReport'>;

/**
 * Writes messages into the service's outbox inside the caller's transaction: they are
 * published (with confirms) only if, and after, that transaction commits.
 */
@Injectable()
export class EventOutbox {
  constructor(private readonly outbox: Outbox) {}

  emit<K extends EventName>(tx: Tx, name: K, init: MessageInitShape<(typeof MessageTypes)[K]['schema']>, options: { messageId?: string } = {}): Promise<string> {
    const { schema, routingKey } = MessageTypes[name];
    return this.outbox.enqueue(tx, { exchange: EdocExchanges.events, routingKey, schema, message: create(schema, init as never), messageId: options.messageId });
  }

  /** One delivery to one recipient, routed by the recipient's organisation code. */
  deliver(tx: Tx, init: MessageInitShape<typeof DeliverySchema>, priority: Priority, options: { messageId?: string } = {}): Promise<string> {
    const message = create(DeliverySchema, init);
    return this.outbox.enqueue(tx, { exchange: EdocExchanges.inbox, routingKey: message.recipientCode, schema: DeliverySchema, message, messageId: options.messageId, priority });
  }
}
