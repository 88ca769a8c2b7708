import { readFile } from 'node:fs/promises';
import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { applyStatus, type MessageInitShape, type StatusCode, statusCodeText, type StatusReportSchema, timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { readStatusMessage } from '@edoc/edxml';
import { Inbox, PermanentMessageError } from '@edoc/messaging';
import type { Principal } from '@edoc/identity';
import { EventOutbox } from '@edoc/runtime';
import { removeFile } from '@edoc/storage';
import { statusMessageXml } from '../domain/edxml-status';
import { isUuid } from '../domain/uuid';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { DocumentsRepository } from '../repositories/documents.repository';
import { EdxmlImportsRepository } from '../repositories/edxml-imports.repository';
import type { StagedFile } from '../uploads/staged-file';

export interface AppliedStatus {
  documentId: string;
  deliveryId: string;
  status: string;
  /** False when the delivery had that status already (the axis sent the message twice). */
  applied: boolean;
}

export interface StatusMessageFile {
  recipientCode: string;
  status: string;
  occurredAt: string;
  xml: string;
}

/**
 * edXML status messages both ways. For a document imported from the axis, the statuses its
 * recipients here reported, as messages for the outside sender. For a document issued here, a
 * status message from the axis applied to the delivery it names, judged like any report.
 */
@Injectable()
export class EdxmlStatusService {
  constructor(
    private readonly db: Database,
    private readonly directory: Directory,
    private readonly imports: EdxmlImportsRepository,
    private readonly documents: DocumentsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly events: EventOutbox,
    private readonly inbox: Inbox,
  ) {}

  /** The statuses of an imported document, oldest first, one message each: what goes back to its sender. */
  async messagesFor(principal: Principal, documentId: string): Promise<StatusMessageFile[]> {
    const imported = isUuid(documentId) ? await this.imports.ofDocument(documentId) : undefined;
    if (imported === undefined || (!principal.roles.includes('admin') && !imported.recipientCodes.includes(principal.orgCode))) {
      throw new NotFoundException(`no document ${documentId} imported from the axis for ${principal.orgCode}`);
    }
    const own = (await this.deliveries.listForDocument(documentId)).filter((d) => principal.roles.includes('admin') || d.recipientCode === principal.orgCode);
    const history = await this.deliveries.history(own.map((d) => d.deliveryId));
    return own.flatMap((delivery) =>
      // The recipient's own reports: the 13 came from the sender, who knows it.
      (history.get(delivery.deliveryId) ?? []).filter((entry) => entry.reportedBy === delivery.recipientCode).map((entry) => ({
        recipientCode: delivery.recipientCode,
        status: statusCodeText(entry.status),
        occurredAt: entry.occurredAt.toISOString(),
        xml: statusMessageXml(imported, { recipientCode: delivery.recipientCode, recipientName: this.directory.get(delivery.recipientCode)?.name ?? delivery.recipientCode, status: entry.status, reason: entry.reason, occurredAt: entry.occurredAt }),
      })),
    );
  }

  /**
   * A status from the axis about a document issued here: the delivery to the organ it comes from
   * takes it as that recipient's report. Status messages are not signed, so only an administrator
   * (the account the axis gateway runs as) applies them.
   */
  async applyUpload(principal: Principal, upload: StagedFile | undefined): Promise<AppliedStatus> {
    if (upload === undefined) throw new UnprocessableEntityException(['status: no file in the form field "status"']);
    try {
      return await this.apply(principal, await readFile(upload.path));
    } finally {
      await removeFile(upload.path);
    }
  }

  private async apply(principal: Principal, bytes: Buffer): Promise<AppliedStatus> {
    if (!principal.roles.includes('admin')) throw new ForbiddenException('only an administrator applies status messages from the axis');
    const outcome = await this.judge(bytes);
    if (outcome.kind === 'unreadable') throw new UnprocessableEntityException(outcome.reasons);
    if (outcome.kind === 'refused') throw new ConflictException(outcome.reason);
    if (outcome.kind === 'changed') await this.db.transaction((tx) => this.events.emit(tx, 'statusReported', { report: outcome.report }));
    return outcome.applied;
  }

  /**
   * A status message the axis gateway took from the axis: applied like `apply-status`, exactly once
   * (the report and the message's claim commit together). One that names no delivery here, or that
   * the delivery's state refuses, is dead-lettered with its reason; a repeat changes nothing.
   */
  async applyReceived(statusXml: string, messageId: string): Promise<AppliedStatus> {
    const outcome = await this.judge(Buffer.from(statusXml, 'utf8'), { fromOutsideOnly: true });
    if (outcome.kind === 'unreadable') throw new PermanentMessageError(`status message from the axis refused: ${outcome.reasons.join('; ')}`);
    if (outcome.kind === 'refused') throw new PermanentMessageError(`status message from the axis refused: ${outcome.reason}`);
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.axis_status'))) return;
      if (outcome.kind === 'changed') await this.events.emit(tx, 'statusReported', { report: outcome.report });
    });
    return outcome.applied;
  }

  /** `fromOutsideOnly`: the axis speaks for outside organs, never for a unit of this exchange, whose reports come here directly. */
  private async judge(bytes: Buffer, options: { fromOutsideOnly?: boolean } = {}): Promise<StatusJudgement> {
    const read = readStatusMessage(bytes);
    if (!read.ok) return { kind: 'unreadable', reasons: read.reasons };
    const m = read.message;
    if (options.fromOutsideOnly === true && this.directory.isLocalUnit(m.from.organId)) return { kind: 'unreadable', reasons: [`MessageStatus/From: ${m.from.organId} is a unit of this exchange; the axis does not report for it`] };
    const documentId = await this.documents.findByEdxmlId(m.responseFor.organId, m.responseFor.documentId);
    if (documentId === undefined) return { kind: 'unreadable', reasons: [`MessageStatus/ResponseFor: no document ${m.responseFor.documentId} issued here by ${m.responseFor.organId}`] };
    const delivery = (await this.deliveries.listForDocument(documentId)).find((d) => d.recipientCode === m.from.organId);
    if (delivery === undefined) return { kind: 'unreadable', reasons: [`MessageStatus/From: document ${m.responseFor.documentId} was not sent to ${m.from.organId}`] };
    const status = Number(m.statusCode) as StatusCode;
    const current = delivery.status === null ? undefined : (delivery.status as StatusCode);
    // The same check a recipient's own report gets here (routing judges it again as the owner of the state).
    const decision = applyStatus({ status: current, recallPending: delivery.recallPending }, status, 'recipient', m.description);
    if (decision.kind === 'refused') return { kind: 'refused', reason: `delivery to ${m.from.organId}: ${decision.reason}` };
    const applied = { documentId, deliveryId: delivery.deliveryId, status: m.statusCode, applied: decision.kind === 'changed' };
    if (decision.kind !== 'changed') return { kind: 'unchanged', applied };
    const report = { deliveryId: delivery.deliveryId, documentId, fromCode: m.from.organId, status, reason: m.description, reportedAt: timestampFromDate(m.timestamp), handler: m.staff.staff };
    return { kind: 'changed', applied, report };
  }
}

type StatusJudgement =
  | { kind: 'unreadable'; reasons: string[] }
  | { kind: 'refused'; reason: string }
  | { kind: 'unchanged'; applied: AppliedStatus }
  | { kind: 'changed'; applied: AppliedStatus; report: MessageInitShape<typeof StatusReportSchema> };
