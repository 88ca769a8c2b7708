import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DocumentIssued, DocumentIssuedSchema, RegisterEntryRecorded, RegisterEntryRecordedSchema } from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { FactsService } from '../services/facts.service';

@Controller()
export class FactsHandler {
  constructor(private readonly facts: FactsService) {}

  @EventPattern(RegisterEntryRecordedSchema.typeName)
  registered(@Payload() event: RegisterEntryRecorded, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.facts.onRegistered(event, ctx.messageId);
  }

  @EventPattern(DocumentIssuedSchema.typeName)
  issued(@Payload() event: DocumentIssued, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.facts.onIssued(event, ctx.messageId);
  }
}
