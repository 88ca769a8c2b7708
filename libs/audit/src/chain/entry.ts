import { canonicalJson, type JsonValue } from '../canonical-json';
import { GENESIS_HASH, isSha256Hex, sha256Hex } from '../hashing';

export const ENTRY_VERSION = 1;

/**
 * One event of the audit trail, exactly as it is hashed. Every entry links to the entry before it
 * in the whole system (`prevHash`) and, when it concerns a document, to the document's previous
 * entry (`docPrevHash`), so both chains can be checked on their own.
 */
export interface AuditEntryBody {
  v: typeof ENTRY_VERSION;
  /** 1, 2, 3, ... without gaps, in the order entries were appended. */
  seq: number;
  prevHash: string;
  /** "document.submitted", "delivery.status_changed", "document.archived", ... */
  type: string;
  /** The message the event arrived in (or the id the archive gave its own entry): the same message is never appended twice. */
  messageId: string;
  /** "" when the event concerns no single document. */
  documentId: string;
  /** 1, 2, 3, ... within the document; 0 when documentId is "". */
  docSeq: number;
  /** Hash of the document's previous entry (the genesis hash for its first); "" when documentId is "". */
  docPrevHash: string;
  /** Organisations the event concerns: issuer, sender, recipient, reporting unit. */
  orgCodes: string[];
  /** When it happened, as the event says (ISO 8601, UTC). */
  occurredAt: string;
  /** When the archive appended it. */
  recordedAt: string;
  /** One line for a person reading the trail. */
  summary: string;
  payload: JsonValue;
}

/** An entry as stored and exchanged: the exact text that was hashed, and its hash. */
export interface StoredEntry {
  seq: number;
  hash: string;
  body: string;
}

/** What the appender knows about a new event; the chain positions are filled in by `chainEntry`. */
export type NewEntry = Omit<AuditEntryBody, 'v' | 'seq' | 'prevHash' | 'docSeq' | 'docPrevHash'>;

export interface ChainPosition {
  /** The system chain's head before this entry (seq 0 and the genesis hash for an empty chain). */
  head: { seq: number; hash: string };
  /** The document chain's head, or undefined when the document has no entry yet. */
  docHead?: { docSeq: number; hash: string };
}

/** The next entry of the chain: its body, the canonical text of that body, and the text's SHA-256. */
export function chainEntry(entry: NewEntry, position: ChainPosition): StoredEntry & { parsed: AuditEntryBody } {
  const hasDocument = entry.documentId !== '';
  const parsed: AuditEntryBody = {
    v: ENTRY_VERSION,
    seq: position.head.seq + 1,
    prevHash: position.head.hash,
    type: entry.type,
    messageId: entry.messageId,
    documentId: entry.documentId,
    docSeq: hasDocument ? (position.docHead?.docSeq ?? 0) + 1 : 0,
    docPrevHash: hasDocument ? (position.docHead?.hash ?? GENESIS_HASH) : '',
    orgCodes: [...new Set(entry.orgCodes.filter((code) => code !== ''))].sort(),
    occurredAt: entry.occurredAt,
    recordedAt: entry.recordedAt,
    summary: entry.summary,
    payload: entry.payload,
  };
  const body = canonicalJson(parsed);
  return { seq: parsed.seq, hash: sha256Hex(body), body, parsed };
}

/** Reads an entry body; throws with the reason when it is not one. */
export function parseEntryBody(text: string): AuditEntryBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('its content is not JSON');
  }
  const body = value as Partial<AuditEntryBody>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('its content is not a JSON object');
  if (body.v !== ENTRY_VERSION) throw new Error(`its format version is ${String(body.v)}, expected ${ENTRY_VERSION}`);
  if (!Number.isSafeInteger(body.seq) || (body.seq as number) < 1) throw new Error('it has no valid seq');
  if (!isSha256Hex(body.prevHash)) throw new Error('it has no valid prevHash');
  if (typeof body.type !== 'string' || typeof body.documentId !== 'string' || typeof body.messageId !== 'string') throw new Error('it lacks type, messageId or documentId');
  if (!Number.isSafeInteger(body.docSeq) || typeof body.docPrevHash !== 'string') throw new Error('it has no valid docSeq or docPrevHash');
  if (!Array.isArray(body.orgCodes) || typeof body.occurredAt !== 'string') throw new Error('it lacks orgCodes or occurredAt');
  return body as AuditEntryBody;
}
