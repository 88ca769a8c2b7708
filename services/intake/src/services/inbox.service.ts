import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { applyStatus, parseStatusCode, StatusCode, statusCodeText, timestampFromDate, vietnamDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import type { Principal } from '@edoc/identity';
import { EventOutbox } from '@edoc/runtime';
import { numberAndNotation } from '../domain/numbering';
import { DeliveriesRepository, DeliveryRecord } from '../repositories/deliveries.repository';

export interface InboxItemView {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  senderName: string;
  numberNotation: string;
  typeCode: string;
  subject: string;
  dueDate: string | null;
  urgency: number;
  arrivalNumber: number | null;
  arrivedAt: string | null;
  status: string | null;
  recallPending: boolean;
  file: { sha256: string; size: number; fileName: string } | null;
  attachments: { sha256: string; size: number; fileName: string }[];
}

/** Statuses a recipient's clerk reports through the built-in inbox (01 is sent by edoc itself). */
const CLERK_STATUSES = new Set([StatusCode.REFUSED, StatusCode.ACCEPTED, StatusCode.ASSIGNED, StatusCode.IN_PROGRESS, StatusCode.COMPLETED, StatusCode.RECALL_AGREED, StatusCode.RECALL_REFUSED]);

/** The built-in inbox of a unit: what arrived, and the statuses its clerk reports. */
@Injectable()
export class InboxService {
  constructor(
    private readonly db: Database,
    private readonly deliveries: DeliveriesRepository,
    private readonly directory: Directory,
    private readonly events: EventOutbox,
  ) {}

  async list(principal: Principal, limit = 200): Promise<InboxItemView[]> {
    const records = await this.deliveries.listInbox(principal.orgCode, limit);
    return records.map((record) => this.view(record));
  }

  /** Incoming documents whose due date has passed without handling completed (06). */
  async overdue(principal: Principal): Promise<InboxItemView[]> {
    const today = vietnamDate(new Date());
    const items = await this.list(principal, 10_000);
    return items.filter((item) => item.dueDate !== null && item.dueDate < today && item.status !== '06' && item.file !== null);
  }

  async get(principal: Principal, deliveryId: string): Promise<InboxItemView> {
    return this.view(await this.own(principal, deliveryId));
  }

  /** Checks the transition here so the clerk gets a 409 at once; routing checks it again as the owner of the state. */
  async report(principal: Principal, deliveryId: string, statusText: string, reason: string): Promise<{ deliveryId: string; status: string }> {
    const status = parseStatusCode(statusText);
    if (status === undefined || !CLERK_STATUSES.has(status)) {
      throw new BadRequestException(`status: "${statusText}" is not a status a recipient reports (02, 03, 04, 05, 06, 14, 16)`);
    }
    const delivery = await this.own(principal, deliveryId);
    const current = delivery.status === null ? undefined : (delivery.status as StatusCode);
    const decision = applyStatus({ status: current === StatusCode.RECALL_REQUESTED ? undefined : current, recallPending: delivery.recallPending }, status, 'recipient', reason);
    if (decision.kind === 'refused') throw new ConflictException(decision.reason);
    if (decision.kind === 'unchanged') return { deliveryId, status: statusCodeText(status) };
    await this.db.transaction((tx) =>
      this.events.emit(tx, 'statusReported', {
        report: { deliveryId, documentId: delivery.documentId, fromCode: principal.orgCode, status, reason, reportedAt: timestampFromDate(new Date()), handler: principal.displayName },
      }),
    );
    return { deliveryId, status: statusCodeText(status) };
  }

  /** A delivery of the caller's own unit; any other is "not found", so ids of other units leak nothing. */
  private async own(principal: Principal, deliveryId: string): Promise<DeliveryRecord> {
    const record = /^[0-9a-f-]{36}$/i.test(deliveryId) ? await this.deliveries.find(deliveryId) : undefined;
    if (record === undefined || record.recipientCode !== principal.orgCode || record.arrivedAt === null) {
      throw new NotFoundException(`no delivery ${deliveryId} in the inbox of ${principal.orgCode}`);
    }
    return record;
  }

  private view(record: DeliveryRecord): InboxItemView {
    const m = record.metadata;
    const fileView = (f: { sha256: string; size: bigint; fileName: string }) => ({ sha256: f.sha256, size: Number(f.size), fileName: f.fileName });
    return {
      deliveryId: record.deliveryId,
      documentId: record.documentId,
      senderCode: record.senderCode,
      senderName: this.directory.get(record.senderCode)?.name ?? record.senderCode,
      numberNotation: m ? numberAndNotation(m.number, m.notation) : '',
      typeCode: m?.typeCode ?? '',
      subject: m?.subject ?? (record.copyDestroyedAt !== null ? '[Đã thu hồi]' : ''),
      dueDate: m?.dueDate || null,
      urgency: m?.priority ?? 0,
      arrivalNumber: record.arrivalNumber,
      arrivedAt: record.arrivedAt?.toISOString() ?? null,
      status: record.status === null ? null : statusCodeText(record.status),
      recallPending: record.recallPending,
      file: record.file ? fileView(record.file) : null,
      attachments: record.attachments.map(fileView),
    };
  }
}
