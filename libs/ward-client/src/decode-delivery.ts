import { BusinessType, DeliverySchema, fromBinary, PROTOBUF_CONTENT_TYPE, type Delivery } from '@edoc/contracts';
import { claimCheckProblem } from './file-check';

/** One message as it came off a ward queue, independent of the AMQP library. */
export interface IncomingMessage {
  content: Buffer;
  /** AMQP message_id: a UUID, the same on every redelivery of the message. */
  messageId?: string;
  /** AMQP type: "edoc.v1.Delivery". */
  type?: string;
  contentType?: string;
  /** Came from `inbox.<code>.urgent`. */
  urgent: boolean;
}

export type DecodedDelivery = { ok: true; delivery: Delivery } | { ok: false; reason: string; delivery?: Delivery };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Decodes a Delivery and checks everything the ward relies on later; a message that fails here
 * can never be processed, whatever is retried.
 */
export function decodeDelivery(message: IncomingMessage, ownCode: string): DecodedDelivery {
  if (message.type !== undefined && message.type !== DeliverySchema.typeName) {
    return { ok: false, reason: `message type "${message.type}" is not ${DeliverySchema.typeName}` };
  }
  if (message.contentType !== undefined && message.contentType !== PROTOBUF_CONTENT_TYPE) {
    return { ok: false, reason: `content type "${message.contentType}" is not ${PROTOBUF_CONTENT_TYPE}` };
  }
  let delivery: Delivery;
  try {
    delivery = fromBinary(DeliverySchema, message.content);
  } catch (error) {
    return { ok: false, reason: `the body is not a protobuf ${DeliverySchema.typeName}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const problem = deliveryProblem(delivery, ownCode);
  return problem === undefined ? { ok: true, delivery } : { ok: false, reason: problem, delivery };
}

function deliveryProblem(delivery: Delivery, ownCode: string): string | undefined {
  if (!UUID.test(delivery.deliveryId)) return `delivery id "${delivery.deliveryId}" is not a UUID`;
  if (delivery.documentId.trim() === '') return `delivery ${delivery.deliveryId} has no document id`;
  if (delivery.recipientCode !== ownCode) return `delivery ${delivery.deliveryId} is addressed to ${delivery.recipientCode || '(nobody)'}, not to ${ownCode}`;
  if (delivery.downloadPath === '') return `delivery ${delivery.deliveryId} has no download path`;
  const fileProblem = claimCheckProblem(delivery.file, `delivery ${delivery.deliveryId}, document file`);
  if (fileProblem !== undefined) return fileProblem;
  for (const [index, attachment] of delivery.attachments.entries()) {
    const attachmentProblem = claimCheckProblem(attachment, `delivery ${delivery.deliveryId}, attachment ${index + 1}`);
    if (attachmentProblem !== undefined) return attachmentProblem;
  }
  return undefined;
}

/**
 * The journal key of a delivery. The delivery id is stable for (document, recipient); a recall
 * of the same delivery would carry the same id, so a business type other than "new" is part of
 * the key.
 */
export function journalKey(delivery: Delivery): string {
  return delivery.businessType === BusinessType.NEW_UNSPECIFIED ? delivery.deliveryId : `${delivery.deliveryId}#${delivery.businessType}`;
}
