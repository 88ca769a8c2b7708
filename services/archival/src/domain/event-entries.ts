import {
  type DeliveriesCreated,
  DeliveriesCreatedSchema,
  type DeliveryCreated,
  DeliveryCreatedSchema,
  type DeliveryStatusChanged,
  DeliveryStatusChangedSchema,
  type DeliveryStatusesChanged,
  DeliveryStatusesChangedSchema,
  type DescMessage,
  type DocumentFailed,
  DocumentFailedSchema,
  type DocumentImported,
  DocumentImportedSchema,
  type DocumentIssued,
  DocumentIssuedSchema,
  type DocumentNumbered,
  DocumentNumberedSchema,
  type DocumentSubmitted,
  DocumentSubmittedSchema,
  Medium,
  type MessageRejected,
  MessageRejectedSchema,
  MessageTypes,
  type PersonSignatureApplied,
  PersonSignatureAppliedSchema,
  RegisterBook,
  type RegisterEntriesRecorded,
  RegisterEntriesRecordedSchema,
  type RegisterEntryRecorded,
  RegisterEntryRecordedSchema,
  type SignatureApproved,
  SignatureApprovedSchema,
  type SignatureReturned,
  SignatureReturnedSchema,
  StatusCode,
  statusCodeText,
  type StatusesReported,
  StatusesReportedSchema,
  type StatusReported,
  StatusReportedSchema,
  type Timestamp,
  timestampDate,
  toJson,
} from '@edoc/contracts';
import type { JsonValue, NewEntry } from '@edoc/audit';

/** What an event says about itself, beyond its payload. */
interface EventFacts {
  documentId: string;
  orgCodes: string[];
  occurredAt: Timestamp | undefined;
  summary: string;
}

const STATUS_LABELS: Partial<Record<StatusCode, string>> = {
  [StatusCode.ARRIVED]: 'arrived',
  [StatusCode.REFUSED]: 'refused',
  [StatusCode.ACCEPTED]: 'accepted',
  [StatusCode.ASSIGNED]: 'assigned',
  [StatusCode.IN_PROGRESS]: 'in progress',
  [StatusCode.COMPLETED]: 'completed',
  [StatusCode.RECALL_REQUESTED]: 'recall requested',
  [StatusCode.RECALL_AGREED]: 'recall agreed',
  [StatusCode.RECALL_REFUSED]: 'recall refused',
};

const status = (code: StatusCode) => `${statusCodeText(code)} ${STATUS_LABELS[code] ?? ''}`.trim();

function reportSummary(report: StatusReported['report']): string {
  return `status ${status(report?.status ?? StatusCode.UNSPECIFIED)} reported by ${report?.fromCode ?? '?'} for delivery ${report?.deliveryId ?? '?'}`;
}

function changeSummary(e: DeliveryStatusChanged): string {
  return `delivery to ${e.recipientCode}: status ${status(e.reportedStatus || e.status)} reported by ${e.reportedBy}${e.reason === '' ? '' : ` (${e.reason})`}`;
}

function entrySummary(e: RegisterEntryRecorded): string {
  return `${Medium[e.medium]?.toLowerCase() ?? 'unknown medium'} entry ${e.number}/${e.year} in the ${RegisterBook[e.book]?.toLowerCase() ?? '?'} register of ${e.orgCode}: ${e.typeCode} "${e.subject}"`;
}

/** Facts per event type; a type missing here is still recorded, with what its payload says. */
const FACTS: Record<string, (message: never) => EventFacts> = {
  [DocumentSubmittedSchema.typeName]: (e: DocumentSubmitted) => ({
    documentId: e.metadata?.documentId ?? '',
    orgCodes: [e.metadata?.issuerCode ?? ''],
    occurredAt: e.submittedAt,
    summary: `submitted by ${e.submittedBy}: ${e.metadata?.typeCode ?? ''} "${e.metadata?.subject ?? ''}" to ${(e.metadata?.recipientCodes ?? []).join(', ')}`,
  }),
  [SignatureApprovedSchema.typeName]: (e: SignatureApproved) => ({
    documentId: e.documentId,
    orgCodes: [e.issuerCode],
    occurredAt: e.approvedAt,
    summary: `approved for signature by ${e.approvedBy} from ${e.clientAddress || 'an unknown address'} (key: ${e.keyHolder}, certificate SHA-256 ${e.certificateSha256}, second factor: ${e.secondFactor})`,
  }),
  [SignatureReturnedSchema.typeName]: (e: SignatureReturned) => ({
    documentId: e.documentId,
    orgCodes: [e.issuerCode],
    occurredAt: e.returnedAt,
    summary: `returned by its signer ${e.returnedBy}: ${e.comment.slice(0, 200)}`,
  }),
  [PersonSignatureAppliedSchema.typeName]: (e: PersonSignatureApplied) => ({
    documentId: e.documentId,
    orgCodes: [e.issuerCode],
    occurredAt: e.signedAt,
    summary: `signed by the competent person (file SHA-256 ${e.signedFile?.sha256 ?? '?'})`,
  }),
  [DocumentNumberedSchema.typeName]: (e: DocumentNumbered) => ({
    documentId: e.documentId,
    orgCodes: [e.issuerCode],
    occurredAt: e.numberedAt,
    summary: `numbered ${e.edxmlDocumentId}`,
  }),
  [DocumentIssuedSchema.typeName]: (e: DocumentIssued) => ({
    documentId: e.metadata?.documentId ?? '',
    orgCodes: [e.metadata?.issuerCode ?? '', ...(e.metadata?.recipientCodes ?? [])],
    occurredAt: e.issuedAt,
    summary: `issued ${e.metadata?.edxmlDocumentId ?? ''} signed by the person and the organisation (file SHA-256 ${e.file?.sha256 ?? '?'})`,
  }),
  [DocumentImportedSchema.typeName]: (e: DocumentImported) => ({
    documentId: e.metadata?.documentId ?? '',
    orgCodes: [e.metadata?.issuerCode ?? '', ...(e.metadata?.recipientCodes ?? [])],
    occurredAt: e.importedAt,
    summary: `imported ${e.metadata?.edxmlDocumentId ?? ''} from the axis, package SHA-256 ${e.packageSha256}, signed by ${e.signerSubject} (file SHA-256 ${e.file?.sha256 ?? '?'})`,
  }),
  [DocumentFailedSchema.typeName]: (e: DocumentFailed) => ({
    documentId: e.documentId,
    orgCodes: [e.issuerCode],
    occurredAt: e.failedAt,
    summary: `failed at ${e.stage}: ${e.reason}`,
  }),
  [DeliveryCreatedSchema.typeName]: (e: DeliveryCreated) => ({
    documentId: e.delivery?.documentId ?? '',
    orgCodes: [e.delivery?.senderCode ?? '', e.delivery?.recipientCode ?? ''],
    occurredAt: e.delivery?.createdAt,
    summary: `sent from ${e.delivery?.senderCode ?? '?'} to ${e.delivery?.recipientCode ?? '?'} (${e.channel}), delivery ${e.delivery?.deliveryId ?? '?'}`,
  }),
  [DeliveriesCreatedSchema.typeName]: (e: DeliveriesCreated) => ({
    documentId: e.documentId,
    orgCodes: [e.senderCode, ...e.deliveries.map((d) => d.recipientCode)],
    occurredAt: e.createdAt,
    summary: `sent from ${e.senderCode} to ${e.deliveries.length} recipient(s): ${e.deliveries.map((d) => `${d.recipientCode} (${d.channel}, delivery ${d.deliveryId})`).join(', ')}`,
  }),
  [StatusReportedSchema.typeName]: (e: StatusReported) => ({
    documentId: e.report?.documentId ?? '',
    orgCodes: [e.report?.fromCode ?? ''],
    occurredAt: e.report?.reportedAt,
    summary: reportSummary(e.report),
  }),
  [StatusesReportedSchema.typeName]: (e: StatusesReported) => ({
    documentId: e.reports[0]?.documentId ?? '',
    orgCodes: e.reports.map((r) => r.fromCode),
    occurredAt: e.reports[0]?.reportedAt,
    summary: e.reports.map(reportSummary).join('; '),
  }),
  [DeliveryStatusChangedSchema.typeName]: (e: DeliveryStatusChanged) => ({
    documentId: e.documentId,
    orgCodes: [e.senderCode, e.recipientCode, e.reportedBy],
    occurredAt: e.occurredAt,
    summary: changeSummary(e),
  }),
  [DeliveryStatusesChangedSchema.typeName]: (e: DeliveryStatusesChanged) => ({
    documentId: e.changes[0]?.documentId ?? '',
    orgCodes: [...new Set(e.changes.flatMap((c) => [c.senderCode, c.recipientCode, c.reportedBy]))],
    occurredAt: e.changes[0]?.occurredAt,
    summary: e.changes.map(changeSummary).join('; '),
  }),
  [RegisterEntryRecordedSchema.typeName]: (e: RegisterEntryRecorded) => ({
    documentId: e.documentId,
    orgCodes: [e.orgCode],
    occurredAt: e.recordedAt,
    summary: entrySummary(e),
  }),
  [RegisterEntriesRecordedSchema.typeName]: (e: RegisterEntriesRecorded) => ({
    documentId: e.entries[0]?.documentId ?? '',
    orgCodes: e.entries.map((entry) => entry.orgCode),
    occurredAt: e.entries[0]?.recordedAt,
    summary: e.entries.map(entrySummary).join('; '),
  }),
  // A refused message is no document's event: it goes in the chain without document, and its body,
  // which a forger wrote, is not recorded (it sits in the dead-letter queue for an investigator).
  [MessageRejectedSchema.typeName]: (e: MessageRejected) => ({
    documentId: '',
    orgCodes: [],
    occurredAt: e.rejectedAt,
    summary: `refused by ${e.rejectedBy}: ${e.reason} (message ${e.messageId} on ${e.exchange || '(default exchange)'}/${e.routingKey})`,
  }),
};

/** The routing key an event type is published under ("document.issued"), which names the entry type. */
export function entryTypeOf(schema: DescMessage): string {
  const known = Object.values(MessageTypes).find((entry) => entry.schema.typeName === schema.typeName);
  return known !== undefined && known.routingKey !== '' ? known.routingKey : schema.typeName;
}

/** The audit entry for one decoded event. */
export function entryForEvent(schema: DescMessage, message: unknown, messageId: string, recordedAt: Date): NewEntry {
  const payload = toJson(schema, message as never, { alwaysEmitImplicit: false }) as JsonValue;
  const describe = FACTS[schema.typeName] as ((message: unknown) => EventFacts) | undefined;
  const facts = describe?.(message) ?? genericFacts(payload, schema.typeName);
  const occurredAt = facts.occurredAt === undefined ? recordedAt : timestampDate(facts.occurredAt);
  return {
    type: entryTypeOf(schema),
    messageId,
    documentId: facts.documentId,
    orgCodes: facts.orgCodes,
    occurredAt: occurredAt.toISOString(),
    recordedAt: recordedAt.toISOString(),
    summary: facts.summary,
    payload,
  };
}

/** A type added to the contract later: its documentId, if it has one, still threads it into the document's chain. */
function genericFacts(payload: JsonValue, typeName: string): EventFacts {
  const fields = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : {};
  return { documentId: typeof fields.documentId === 'string' ? fields.documentId : '', orgCodes: [], occurredAt: undefined, summary: typeName };
}
