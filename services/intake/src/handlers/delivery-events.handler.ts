import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BuiltinDeliveries, BuiltinDeliveriesSchema, DeliveriesCreated, DeliveriesCreatedSchema, Delivery, DeliveryCreated, DeliveryCreatedSchema, DeliveryReceiptOverdue, DeliveryReceiptOverdueSchema, DeliverySchema, DeliveryStatusChanged, DeliveryStatusChangedSchema, DeliveryStatusesChanged, DeliveryStatusesChangedSchema } from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { ArrivalService } from '../services/arrival.service';
import { DeliveryViewService } from '../services/delivery-view.service';

@Controller()
export class DeliveryEventsHandler {
  constructor(
    private readonly arrivals: ArrivalService,
    private readonly views: DeliveryViewService,
  ) {}

  /** A delivery to a unit on the built-in inbox (queue intake.inbox). */
  @EventPattern(DeliverySchema.typeName)
  delivered(@Payload() delivery: Delivery, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.arrivals.onDelivery(delivery, ctx.messageId);
  }

  /** A document's deliveries to units on the built-in inbox, together (queue intake.inbox). */
  @EventPattern(BuiltinDeliveriesSchema.typeName)
  deliveredTogether(@Payload() batch: BuiltinDeliveries, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.arrivals.onBuiltinDeliveries(batch, ctx.messageId);
  }

  @EventPattern(DeliveryCreatedSchema.typeName)
  created(@Payload() event: DeliveryCreated, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.views.onCreated(event, ctx.messageId);
  }

  @EventPattern(DeliveriesCreatedSchema.typeName)
  createdTogether(@Payload() event: DeliveriesCreated, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.views.onDeliveriesCreated(event, ctx.messageId);
  }

  @EventPattern(DeliveryStatusChangedSchema.typeName)
  statusChanged(@Payload() event: DeliveryStatusChanged, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.views.onStatusChanged(event, ctx.messageId);
  }

  @EventPattern(DeliveryStatusesChangedSchema.typeName)
  statusesChanged(@Payload() event: DeliveryStatusesChanged, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.views.onStatusesChanged(event, ctx.messageId);
  }

  @EventPattern(DeliveryReceiptOverdueSchema.typeName)
  receiptOverdue(@Payload() event: DeliveryReceiptOverdue, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.views.onReceiptOverdue(event, ctx.messageId);
  }
}
