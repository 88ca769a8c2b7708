import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DocumentIssued, DocumentIssuedSchema } from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { ArchiveService } from '../services/archive.service';

@Controller()
export class ArchiveHandler {
  constructor(private readonly archive: ArchiveService) {}

  @EventPattern(DocumentIssuedSchema.typeName)
  issued(@Payload() event: DocumentIssued, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.archive.onIssued(event, ctx.messageId);
  }
}
