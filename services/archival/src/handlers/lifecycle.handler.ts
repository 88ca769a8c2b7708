import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DocumentIssuedSchema, MessageTypes, schemaForType } from '@edoc/contracts';
import { EdocMessageContext, PermanentMessageError } from '@edoc/messaging';
import { AuditTrailService } from '../services/audit-trail.service';

/**
 * Every event type published on the events exchange, except document.issued (which the archive
 * also stores): derived from the contract, so a type added there is recorded, never dead-lettered
 * as "no handler".
 */
export const LIFECYCLE_EVENT_TYPES = Object.values(MessageTypes)
  .filter((entry) => entry.routingKey !== '' && entry.schema.typeName !== DocumentIssuedSchema.typeName)
  .map((entry) => entry.schema.typeName);

@Controller()
export class LifecycleHandler {
  constructor(private readonly audit: AuditTrailService) {}

  @EventPattern(LIFECYCLE_EVENT_TYPES)
  record(@Payload() event: unknown, @Ctx() ctx: EdocMessageContext): Promise<void> {
    const schema = schemaForType(ctx.type);
    if (schema === undefined) throw new PermanentMessageError(`unknown message type ${ctx.type}`);
    return this.audit.recordEvent(schema, event, ctx.messageId);
  }
}
