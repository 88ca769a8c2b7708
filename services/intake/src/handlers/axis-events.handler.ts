import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EdxmlPackageReceived, EdxmlPackageReceivedSchema, EdxmlStatusReceived, EdxmlStatusReceivedSchema } from '@edoc/contracts';
import { EdocMessageContext, PermanentMessageError } from '@edoc/messaging';
import { EdxmlImportService } from '../services/edxml-import.service';
import { EdxmlStatusService } from '../services/edxml-status.service';

/** What the axis gateway took from the national axis (queue intake.axis). */
@Controller()
export class AxisEventsHandler {
  constructor(
    private readonly imports: EdxmlImportService,
    private readonly statuses: EdxmlStatusService,
  ) {}

  @EventPattern(EdxmlPackageReceivedSchema.typeName)
  async packageReceived(@Payload() event: EdxmlPackageReceived, @Ctx() ctx: EdocMessageContext): Promise<void> {
    if (event.package === undefined) throw new PermanentMessageError('edxml.package_received without a package');
    await this.imports.importReceived(event.package, ctx.messageId);
  }

  @EventPattern(EdxmlStatusReceivedSchema.typeName)
  async statusReceived(@Payload() event: EdxmlStatusReceived, @Ctx() ctx: EdocMessageContext): Promise<void> {
    await this.statuses.applyReceived(event.statusXml, ctx.messageId);
  }
}
