import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  DocumentFailed,
  DocumentFailedSchema,
  DocumentIssued,
  DocumentIssuedSchema,
  PersonSignatureApplied,
  PersonSignatureAppliedSchema,
  SignatureReturned,
  SignatureReturnedSchema,
} from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { DocumentOutcomeService } from '../services/document-outcome.service';
import { NumberingService } from '../services/numbering.service';

@Controller()
export class DocumentEventsHandler {
  constructor(
    private readonly numbering: NumberingService,
    private readonly outcomes: DocumentOutcomeService,
  ) {}

  @EventPattern(PersonSignatureAppliedSchema.typeName)
  personSigned(@Payload() event: PersonSignatureApplied, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.numbering.onPersonSigned(event, ctx.messageId);
  }

  @EventPattern(SignatureReturnedSchema.typeName)
  returned(@Payload() event: SignatureReturned, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.outcomes.onReturned(event, ctx.messageId);
  }

  @EventPattern(DocumentIssuedSchema.typeName)
  issued(@Payload() event: DocumentIssued, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.outcomes.onIssued(event, ctx.messageId);
  }

  @EventPattern(DocumentFailedSchema.typeName)
  failed(@Payload() event: DocumentFailed, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.outcomes.onFailed(event, ctx.messageId);
  }
}
