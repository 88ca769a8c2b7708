import { createHash } from 'node:crypto';

/** A name-based UUID (version 5 layout, RFC 9562): the same name always gives the same id. */
function nameBasedUuid(name: string): string {
  const bytes = createHash('sha1').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** For (document, recipient): a redelivered document.issued yields the same delivery ids, so nothing can be delivered twice under two ids. */
export function deliveryIdFor(documentId: string, recipientCode: string): string {
  return nameBasedUuid(`edoc.delivery:${documentId}:${recipientCode}`);
}

/** For the notice of a refused report: a report refused again (redelivered, replayed) gives the ward the same message id. */
export function refusalNoticeIdFor(reportMessageId: string): string {
  return nameBasedUuid(`edoc.report-refused:${reportMessageId}`);
}
