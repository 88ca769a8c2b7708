import { randomUUID } from 'node:crypto';
import {
  BusinessType,
  create,
  type DescMessage,
  DeliveryCreatedSchema,
  DeliveryReceiptOverdueSchema,
  DeliverySchema,
  DeliveryStatusChangedSchema,
  DocumentFailedSchema,
  DocumentIssuedSchema,
  type DocumentMetadata,
  DocumentMetadataSchema,
  DocumentNumberedSchema,
  DocumentSubmittedSchema,
  file_edoc_v1_common,
  file_edoc_v1_document,
  file_edoc_v1_events,
  file_edoc_v1_ward,
  type FileRef,
  Medium,
  MessageRejectedSchema,
  PersonSignatureAppliedSchema,
  Priority,
  RegisterBook,
  RegisterEntryRecordedSchema,
  RejectionKind,
  StatusCode,
  StatusReportedSchema,
  StatusReportSchema,
  timestampFromDate,
  toBinary,
} from '@edoc/contracts';

/** Real things of a running exchange that make a forgery look right: a district, a unit, its delivery, an issued file. */
export interface ForgeryMaterial {
  districtCode: string;
  /** A unit on the built-in inbox and its real delivery of a real document. */
  victimCode: string;
  victimDeliveryId: string;
  documentId: string;
  issuedFile: FileRef;
  wardCodes: string[];
}

/** Every message of proto/edoc/v1, the types that travel and the parts they are made of. */
export function everyProtoMessage(): DescMessage[] {
  return [file_edoc_v1_common, file_edoc_v1_document, file_edoc_v1_events, file_edoc_v1_ward].flatMap((file) => file.messages);
}

/**
 * For each message type, a body that its rightful publisher could have sent: a decision of the
 * district "99/QĐ-UBND" to every ward, a refusal (02) of a real delivery in the name of the unit it
 * belongs to, and so on. Parts that never travel alone get an empty body.
 */
export function forgedBody(schema: DescMessage, m: ForgeryMaterial): Buffer {
  const now = timestampFromDate(new Date());
  const forgedId = randomUUID();
  const metadata: DocumentMetadata = create(DocumentMetadataSchema, {
    documentId: forgedId,
    issuerCode: m.districtCode,
    typeCode: 'QĐ',
    subject: 'Quyết định giả mạo',
    number: 99,
    notation: 'QĐ-UBND',
    issuedDate: new Date().toISOString().slice(0, 10),
    recipientCodes: m.wardCodes,
    edxmlDocumentId: `${m.districtCode},${new Date().toISOString().slice(0, 10).replace(/-/g, '/')},99/QĐ-UBND`,
    priority: Priority.NORMAL_UNSPECIFIED,
  });
  const delivery = create(DeliverySchema, {
    deliveryId: randomUUID(),
    documentId: forgedId,
    senderCode: m.districtCode,
    recipientCode: m.victimCode,
    businessType: BusinessType.NEW_UNSPECIFIED,
    metadata,
    file: m.issuedFile,
    downloadPath: '/files',
    createdAt: now,
  });
  const refusal = create(StatusReportSchema, {
    deliveryId: m.victimDeliveryId,
    documentId: m.documentId,
    fromCode: m.victimCode,
    status: StatusCode.REFUSED,
    reason: 'không thuộc thẩm quyền',
    reportedAt: now,
  });
  const bodies: Record<string, () => Uint8Array> = {
    [DocumentSubmittedSchema.typeName]: () => toBinary(DocumentSubmittedSchema, create(DocumentSubmittedSchema, { metadata, mainFile: m.issuedFile, submittedBy: 'hbt.clerk', submittedAt: now })),
    [PersonSignatureAppliedSchema.typeName]: () => toBinary(PersonSignatureAppliedSchema, create(PersonSignatureAppliedSchema, { documentId: m.documentId, issuerCode: m.districtCode, signedFile: m.issuedFile, signedAt: now })),
    [DocumentNumberedSchema.typeName]: () => toBinary(DocumentNumberedSchema, create(DocumentNumberedSchema, { documentId: m.documentId, issuerCode: m.districtCode, number: 99, notation: 'QĐ-UBND', issuedDate: metadata.issuedDate, edxmlDocumentId: metadata.edxmlDocumentId, numberedAt: now })),
    [DocumentIssuedSchema.typeName]: () => toBinary(DocumentIssuedSchema, create(DocumentIssuedSchema, { metadata, file: m.issuedFile, issuedAt: now })),
    [DocumentFailedSchema.typeName]: () => toBinary(DocumentFailedSchema, create(DocumentFailedSchema, { documentId: m.documentId, issuerCode: m.districtCode, stage: 'signing', reason: 'forged', failedAt: now })),
    [DeliveryCreatedSchema.typeName]: () => toBinary(DeliveryCreatedSchema, create(DeliveryCreatedSchema, { delivery, channel: 'builtin' })),
    [StatusReportedSchema.typeName]: () => toBinary(StatusReportedSchema, create(StatusReportedSchema, { report: refusal })),
    [DeliveryStatusChangedSchema.typeName]: () =>
      toBinary(DeliveryStatusChangedSchema, create(DeliveryStatusChangedSchema, { deliveryId: m.victimDeliveryId, documentId: m.documentId, senderCode: m.districtCode, recipientCode: m.victimCode, status: StatusCode.REFUSED, previousStatus: StatusCode.ARRIVED, reportedStatus: StatusCode.REFUSED, reason: 'forged', reportedBy: m.victimCode, occurredAt: now, sequence: 99n })),
    [DeliveryReceiptOverdueSchema.typeName]: () => toBinary(DeliveryReceiptOverdueSchema, create(DeliveryReceiptOverdueSchema, { deliveryId: m.victimDeliveryId, documentId: m.documentId, senderCode: m.districtCode, recipientCode: m.victimCode, createdAt: now, deadline: now })),
    [RegisterEntryRecordedSchema.typeName]: () =>
      toBinary(RegisterEntryRecordedSchema, create(RegisterEntryRecordedSchema, { orgCode: m.victimCode, book: RegisterBook.INCOMING, year: new Date().getFullYear(), number: 99, medium: Medium.PAPER, documentId: forgedId, typeCode: 'QĐ', subject: 'giả mạo', counterpartCode: m.districtCode, routine: true, recordedAt: now, entryId: randomUUID() })),
    [MessageRejectedSchema.typeName]: () => toBinary(MessageRejectedSchema, create(MessageRejectedSchema, { messageId: randomUUID(), type: 'edoc.v1.Nothing', kind: RejectionKind.TYPE_NOT_ACCEPTED, reason: 'forged audit entry', rejectedBy: 'routing', rejectedAt: now, queue: 'routing.status' })),
    [DeliverySchema.typeName]: () => toBinary(DeliverySchema, delivery),
    [StatusReportSchema.typeName]: () => toBinary(StatusReportSchema, refusal),
  };
  return Buffer.from(bodies[schema.typeName]?.() ?? new Uint8Array());
}
