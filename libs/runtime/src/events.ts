import { Injectable } from '@nestjs/common';
import { create, MessageInitShape, MessageTypes, MessageTypeName, DeliverySchema, Priority, ReportRefusedSchema } from '@edoc/contracts';
import type { Tx } from '@edoc/db';
import { EdocExchanges, Outbox, type EdocMessage } from '@edoc/messaging';

type EventName = Exclude<MessageTypeName, 'delivery' | 'statusReport' | 'reportRefused'>;

/** Routing-key suffix of the dedicated path that lets urgent documents overtake normal ones. */
export const URGENT_SUFFIX = '.urgent';

/** KHẨN and above travel on the urgent path. */
export function isUrgent(priority: Priority): boolean {
  return priority !== Priority.NORMAL_UNSPECIFIED;
}

type EventInit<K extends EventName> = MessageInitShape<(typeof MessageTypes)[K]['schema']>;

/** An event to emit: its type and what it says. */
export type AnyEvent = { [K in EventName]: { name: K; init: EventInit<K> } }[EventName];

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

  emit<K extends EventName>(tx: Tx, name: K, init: EventInit<K>, options: EmitOptions = {}): Promise<string> {
    return this.outbox.enqueue(tx, eventMessage(name, init, options));
  }

  /** Several events in one statement, in order (what a batch of arrivals announces); returns their messageIds. */
  emitAll(tx: Tx, events: readonly AnyEvent[]): Promise<string[]> {
    return this.outbox.enqueueAll(tx, events.map(({ name, init }) => eventMessage(name, init as never)));
  }

  /** One delivery to one recipient, routed by the recipient's organisation code (urgent ones to its urgent queue). */
  async deliver(tx: Tx, init: MessageInitShape<typeof DeliverySchema>, priority: Priority, options: { messageId?: string } = {}): Promise<string> {
    const [messageId] = await this.outbox.enqueueAll(tx, [deliveryMessage(init, priority, options.messageId)]);
    return messageId as string;
  }

  /** A document's deliveries, one per recipient, written in one statement. */
  deliverAll(tx: Tx, inits: MessageInitShape<typeof DeliverySchema>[], priority: Priority): Promise<string[]> {
    return this.outbox.enqueueAll(tx, inits.map((init) => deliveryMessage(init, priority)));
  }

  /** Tells a ward system, on its own (normal) queue, that a report it sent was refused. */
  tellWardRefused(tx: Tx, init: MessageInitShape<typeof ReportRefusedSchema>, messageId: string): Promise<string> {
    const message = create(ReportRefusedSchema, init);
    return this.outbox.enqueue(tx, { exchange: EdocExchanges.inbox, routingKey: message.fromCode, schema: ReportRefusedSchema, message, messageId });
  }
}

function eventMessage<K extends EventName>(name: K, init: EventInit<K>, options: EmitOptions = {}): EdocMessage {
  const { schema, routingKey } = MessageTypes[name];
  return {
    exchange: EdocExchanges.events,
    routingKey: options.urgent ? `${routingKey}${URGENT_SUFFIX}` : routingKey,
    schema,
    message: create(schema, init as never),
    messageId: options.messageId,
  };
}

function deliveryMessage(init: MessageInitShape<typeof DeliverySchema>, priority: Priority, messageId?: string): EdocMessage<typeof DeliverySchema> {
  const message = create(DeliverySchema, init);
  const routingKey = isUrgent(priority) ? `${message.recipientCode}${URGENT_SUFFIX}` : message.recipientCode;
  return { exchange: EdocExchanges.inbox, routingKey, schema: DeliverySchema, message, messageId, priority };
}
