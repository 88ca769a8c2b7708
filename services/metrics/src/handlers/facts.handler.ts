import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  DeliveriesCreated,
  DeliveriesCreatedSchema,
  DeliveryCreated,
  DeliveryCreatedSchema,
  DeliveryStatusChanged,
  DeliveryStatusChangedSchema,
  DeliveryStatusesChanged,
  DeliveryStatusesChangedSchema,
  DocumentIssued,
  DocumentIssuedSchema,
  RegisterEntriesRecorded,
  RegisterEntriesRecordedSchema,
  RegisterEntryRecorded,
  RegisterEntryRecordedSchema,
} from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { DeliveryFactsService } from '../services/delivery-facts.service';
import { FactsService } from '../services/facts.service';

@Controller()
export class FactsHandler {
  constructor(
    private readonly facts: FactsService,
    private readonly deliveries: DeliveryFactsService,
  ) {}

  @EventPattern(RegisterEntryRecordedSchema.typeName)
  registered(@Payload() event: RegisterEntryRecorded, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.facts.onRegistered(event, ctx.messageId);
  }

  @EventPattern(RegisterEntriesRecordedSchema.typeName)
  registeredTogether(@Payload() event: RegisterEntriesRecorded, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.facts.onEntriesRecorded(event, ctx.messageId);
  }

  @EventPattern(DocumentIssuedSchema.typeName)
  issued(@Payload() event: DocumentIssued, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.facts.onIssued(event, ctx.messageId);
  }

  @EventPattern(DeliveriesCreatedSchema.typeName)
  deliveriesCreated(@Payload() event: DeliveriesCreated, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.deliveries.onDeliveriesCreated(event, ctx.messageId);
  }

  @EventPattern(DeliveryCreatedSchema.typeName)
  deliveryCreated(@Payload() event: DeliveryCreated, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.deliveries.onCreated(event, ctx.messageId);
  }

  @EventPattern(DeliveryStatusChangedSchema.typeName)
  statusChanged(@Payload() event: DeliveryStatusChanged, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.deliveries.onStatusChanged(event, ctx.messageId);
  }

  @EventPattern(DeliveryStatusesChangedSchema.typeName)
  statusesChanged(@Payload() event: DeliveryStatusesChanged, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.deliveries.onStatusesChanged(event, ctx.messageId);
  }
}
