import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DocumentNumbered, DocumentNumberedSchema, DocumentSubmitted, DocumentSubmittedSchema, SignatureApproved, SignatureApprovedSchema } from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { SigningService } from '../services/signing.service';

@Controller()
export class DocumentEventsHandler {
  constructor(private readonly signing: SigningService) {}

  @EventPattern(DocumentSubmittedSchema.typeName)
  submitted(@Payload() event: DocumentSubmitted, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.signing.onSubmitted(event, ctx.messageId);
  }

  @EventPattern(SignatureApprovedSchema.typeName)
  approved(@Payload() event: SignatureApproved, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.signing.onApproved(event, ctx.messageId);
  }

  @EventPattern(DocumentNumberedSchema.typeName)
  numbered(@Payload() event: DocumentNumbered, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.signing.onNumbered(event, ctx.messageId);
  }
}
