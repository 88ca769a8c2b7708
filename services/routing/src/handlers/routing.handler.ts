import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DocumentImported, DocumentImportedSchema, DocumentIssued, DocumentIssuedSchema, StatusReport, StatusReported, StatusReportedSchema, StatusesReported, StatusesReportedSchema, StatusReportSchema } from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { FanOutService } from '../services/fan-out.service';
import { StatusService } from '../services/status.service';

@Controller()
export class RoutingHandler {
  constructor(
    private readonly fanOut: FanOutService,
    private readonly statuses: StatusService,
  ) {}

  @EventPattern(DocumentIssuedSchema.typeName)
  issued(@Payload() event: DocumentIssued, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.fanOut.onIssued(event, ctx.messageId);
  }

  @EventPattern(DocumentImportedSchema.typeName)
  imported(@Payload() event: DocumentImported, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.fanOut.onImported(event, ctx.messageId);
  }

  @EventPattern(StatusReportedSchema.typeName)
  internalStatus(@Payload() event: StatusReported, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.statuses.onInternalReport(event.report, ctx.messageId);
  }

  /** A document's 01s from the built-in inboxes, relayed together by intake. */
  @EventPattern(StatusesReportedSchema.typeName)
  statusesReported(@Payload() event: StatusesReported, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.statuses.onInternalReports(event, ctx.messageId);
  }

  /** From ward systems, on the status exchange. */
  @EventPattern(StatusReportSchema.typeName)
  wardStatus(@Payload() report: StatusReport, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.statuses.onWardReport(report, ctx.messageId);
  }
}
