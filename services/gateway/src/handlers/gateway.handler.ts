import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Delivery, DeliverySchema, EdxmlStatusOutgoing, EdxmlStatusOutgoingSchema } from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { OutboundService } from '../services/outbound.service';

@Controller()
export class GatewayHandler {
  constructor(private readonly outbound: OutboundService) {}

  /** A delivery to an outside organ (queue gateway.outbound). */
  @EventPattern(DeliverySchema.typeName)
  delivered(@Payload() delivery: Delivery, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.outbound.onDelivery(delivery, ctx.messageId);
  }

  /** A status for the sender of a document imported from the axis (queue gateway.statuses). */
  @EventPattern(EdxmlStatusOutgoingSchema.typeName)
  statusOutgoing(@Payload() event: EdxmlStatusOutgoing, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.outbound.onStatus(event, ctx.messageId);
  }
}
