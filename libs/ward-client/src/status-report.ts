import { randomUUID } from 'node:crypto';
import { create, parseStatusCode, REASON_REQUIRED, StatusCode, statusCodeText, StatusReportSchema, timestampFromDate, type StatusReport } from '@edoc/contracts';

/** What a ward may report: 01..06, and 14/16 to answer a recall. 13 is the sender's. */
export const WARD_STATUSES: readonly StatusCode[] = [
  StatusCode.ARRIVED,
  StatusCode.REFUSED,
  StatusCode.ACCEPTED,
  StatusCode.ASSIGNED,
  StatusCode.IN_PROGRESS,
  StatusCode.COMPLETED,
  StatusCode.RECALL_AGREED,
  StatusCode.RECALL_REFUSED,
];

export interface StatusReportInput {
  deliveryId: string;
  documentId: string;
  /** A StatusCode, or its two-digit edXML text such as "03". */
  status: StatusCode | string;
  /** Required with 02 (refused) and 16 (take-back refused). */
  reason?: string;
  /** Free text: the person or department handling the document. */
  handler?: string;
  /** The AMQP message id; give the id of the first attempt when re-sending the same report. */
  messageId?: string;
  reportedAt?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a report before it goes out (edoc would dead-letter a bad one) and builds it. */
export function buildStatusReport(fromCode: string, input: StatusReportInput): { report: StatusReport; messageId: string } {
  const status = typeof input.status === 'string' ? parseStatusCode(input.status) : input.status;
  if (status === undefined || !WARD_STATUSES.includes(status)) {
    throw new Error(`status "${String(input.status)}" cannot be reported by a ward: use one of ${WARD_STATUSES.map(statusCodeText).join(', ')}`);
  }
  if (!UUID.test(input.deliveryId ?? '')) throw new Error(`delivery id "${input.deliveryId}" is not a UUID`);
  if (typeof input.documentId !== 'string' || input.documentId.trim() === '') throw new Error('a status report needs the document id of the delivery');
  const reason = (input.reason ?? '').trim();
  if (REASON_REQUIRED.has(status) && reason === '') throw new Error(`status ${statusCodeText(status)} needs a reason`);
  const messageId = input.messageId ?? randomUUID();
  if (!UUID.test(messageId)) throw new Error(`message id "${messageId}" is not a UUID`);
  const report = create(StatusReportSchema, {
    deliveryId: input.deliveryId,
    documentId: input.documentId,
    fromCode,
    status,
    reason,
    handler: input.handler ?? '',
    reportedAt: timestampFromDate(input.reportedAt ?? new Date()),
  });
  return { report, messageId: messageId.toLowerCase() };
}

/** Where status reports go: the status exchange in production, a list in tests. */
export interface StatusSink {
  /** Resolves with the message id once the broker has confirmed the report. */
  report(input: StatusReportInput): Promise<string>;
}
