import { isSha256Hex } from '../hashing';
import type { AuditEntryBody } from './entry';

/** The entry type the archive appends once it has stored a document's objects write-once. */
export const ARCHIVED_ENTRY_TYPE = 'document.archived';

/** One write-once object as the audit chain recorded it when it was archived. */
export interface ArchivedObjectClaim {
  documentId: string;
  name: string;
  sha256: string;
  size: number;
  role: string;
  /** The entry that recorded it. */
  entrySeq: number;
}

/** The objects a `document.archived` entry lists; throws when the payload does not have that shape. */
export function archivedObjectsOf(body: AuditEntryBody): ArchivedObjectClaim[] {
  const payload = body.payload as { objects?: unknown } | null;
  const objects = payload?.objects;
  if (!Array.isArray(objects)) throw new Error('its payload lists no archived objects');
  return objects.map((raw: unknown, index) => {
    const object = raw as { name?: unknown; sha256?: unknown; size?: unknown; role?: unknown };
    if (typeof object?.name !== 'string' || !isSha256Hex(object.sha256)) throw new Error(`archived object ${index + 1} has no name or SHA-256`);
    return {
      documentId: body.documentId,
      name: object.name,
      sha256: object.sha256,
      size: typeof object.size === 'number' ? object.size : -1,
      role: typeof object.role === 'string' ? object.role : '',
      entrySeq: body.seq,
    };
  });
}
