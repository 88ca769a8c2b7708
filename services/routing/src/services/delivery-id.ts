import { createHash } from 'node:crypto';

/**
 * A name-based UUID (version 5 layout, RFC 9562) for (document, recipient): a redelivered
 * document.issued yields the same delivery ids, so nothing can be delivered twice under two ids.
 */
export function deliveryIdFor(documentId: string, recipientCode: string): string {
  const bytes = createHash('sha1').update(`edoc.delivery:${documentId}:${recipientCode}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
