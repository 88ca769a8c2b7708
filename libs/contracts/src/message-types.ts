import type { DescMessage } from '@bufbuild/protobuf';
import {
  BuiltinDeliveriesSchema,
  DeliveriesCreatedSchema,
  DeliveryStatusesChangedSchema,
  DeliveryCreatedSchema,
  DeliveryReceiptOverdueSchema,
  DeliveryStatusChangedSchema,
  DocumentFailedSchema,
  DocumentImportedSchema,
  EdxmlPackageReceivedSchema,
  EdxmlStatusOutgoingSchema,
  EdxmlStatusReceivedSchema,
  DocumentIssuedSchema,
  DocumentNumberedSchema,
  DocumentSubmittedSchema,
  MessageRejectedSchema,
  PersonSignatureAppliedSchema,
  RegisterEntriesRecordedSchema,
  RegisterEntryRecordedSchema,
  SignatureApprovedSchema,
  SignatureReturnedSchema,
  StatusesReportedSchema,
  StatusReportedSchema,
} from './gen/edoc/v1/events_pb';
import {
  AccountLockedSchema,
  RefreshTokenReusedSchema,
  SessionsRevokedSchema,
  SignedInSchema,
  SignedOutSchema,
  SigningKeyRotatedSchema,
  SignInFailedSchema,
  UserChangedSchema,
} from './gen/edoc/v1/identity_pb';
import { DeliverySchema, ReportRefusedSchema, StatusReportSchema } from './gen/edoc/v1/ward_pb';

/** The AMQP content type of every edoc message body. */
export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

/**
 * Each message that crosses a service boundary, with the routing key it is
 * published under. The AMQP `type` property is the schema's full name.
 */
export const MessageTypes = {
  documentSubmitted: { schema: DocumentSubmittedSchema, routingKey: 'document.submitted' },
  signatureApproved: { schema: SignatureApprovedSchema, routingKey: 'signature.approved' },
  signatureReturned: { schema: SignatureReturnedSchema, routingKey: 'signature.returned' },
  personSignatureApplied: { schema: PersonSignatureAppliedSchema, routingKey: 'document.person_signed' },
  documentNumbered: { schema: DocumentNumberedSchema, routingKey: 'document.numbered' },
  documentIssued: { schema: DocumentIssuedSchema, routingKey: 'document.issued' },
  documentFailed: { schema: DocumentFailedSchema, routingKey: 'document.failed' },
  documentImported: { schema: DocumentImportedSchema, routingKey: 'document.imported' },
  edxmlPackageReceived: { schema: EdxmlPackageReceivedSchema, routingKey: 'edxml.package_received' },
  edxmlStatusReceived: { schema: EdxmlStatusReceivedSchema, routingKey: 'edxml.status_received' },
  edxmlStatusOutgoing: { schema: EdxmlStatusOutgoingSchema, routingKey: 'edxml.status_outgoing' },
  deliveryCreated: { schema: DeliveryCreatedSchema, routingKey: 'delivery.created' },
  deliveriesCreated: { schema: DeliveriesCreatedSchema, routingKey: 'deliveries.created' },
  builtinDeliveries: { schema: BuiltinDeliveriesSchema, routingKey: 'deliveries.builtin' },
  statusReported: { schema: StatusReportedSchema, routingKey: 'status.reported' },
  statusesReported: { schema: StatusesReportedSchema, routingKey: 'statuses.reported' },
  deliveryStatusChanged: { schema: DeliveryStatusChangedSchema, routingKey: 'delivery.status_changed' },
  deliveryStatusesChanged: { schema: DeliveryStatusesChangedSchema, routingKey: 'delivery.statuses_changed' },
  deliveryReceiptOverdue: { schema: DeliveryReceiptOverdueSchema, routingKey: 'delivery.receipt_overdue' },
  registerEntryRecorded: { schema: RegisterEntryRecordedSchema, routingKey: 'register.recorded' },
  registerEntriesRecorded: { schema: RegisterEntriesRecordedSchema, routingKey: 'register.entries_recorded' },
  messageRejected: { schema: MessageRejectedSchema, routingKey: 'message.rejected' },
  userChanged: { schema: UserChangedSchema, routingKey: 'user.changed' },
  signedIn: { schema: SignedInSchema, routingKey: 'session.signed_in' },
  signInFailed: { schema: SignInFailedSchema, routingKey: 'session.sign_in_failed' },
  accountLocked: { schema: AccountLockedSchema, routingKey: 'user.locked' },
  signedOut: { schema: SignedOutSchema, routingKey: 'session.signed_out' },
  refreshTokenReused: { schema: RefreshTokenReusedSchema, routingKey: 'session.refresh_reused' },
  sessionsRevoked: { schema: SessionsRevokedSchema, routingKey: 'session.revoked' },
  signingKeyRotated: { schema: SigningKeyRotatedSchema, routingKey: 'key.rotated' },
  // Published to the inbox exchange with the recipient's code as routing key.
  delivery: { schema: DeliverySchema, routingKey: '' },
  // Published by ward systems to the status exchange with their own code as routing key.
  statusReport: { schema: StatusReportSchema, routingKey: '' },
  // Published to the inbox exchange with the code of the ward whose report was refused.
  reportRefused: { schema: ReportRefusedSchema, routingKey: '' },
} as const satisfies Record<string, { schema: DescMessage; routingKey: string }>;

export type MessageTypeName = keyof typeof MessageTypes;

const schemasByTypeName = new Map<string, DescMessage>(
  Object.values(MessageTypes).map((entry) => [entry.schema.typeName, entry.schema]),
);

/** The schema for an AMQP `type` property, or undefined for a type edoc does not know. */
export function schemaForType(typeName: string): DescMessage | undefined {
  return schemasByTypeName.get(typeName);
}
