import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DocumentIssuedSchema, MessageTypes, schemaForType } from '@edoc/contracts';
import { EdocMessageContext, PermanentMessageError } from '@edoc/messaging';
import { MESSAGE_CONTRACT } from '@edoc/runtime';
import { AuditTrailService } from '../services/audit-trail.service';

/**
 * Every event type archival.events takes, except document.issued (which the archive also stores):
 * derived from the message contract, so a type added there is recorded, never dead-lettered as "no
 * handler". Types of archival's other queues (revocations) have handlers of their own.
 */
export const LIFECYCLE_EVENT_TYPES = MESSAGE_CONTRACT.queues['archival.events'].accepts
  .map((name) => MessageTypes[name].schema.typeName)
  .filter((typeName) => typeName !== DocumentIssuedSchema.typeName);

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
