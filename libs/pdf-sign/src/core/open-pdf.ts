import { PdfSignError } from '../errors';
import type { ByteSource } from './byte-source';
import { isRepairableDamage } from './damage';
import { EndstreamFinder } from './endstream-finder';
import { ObjectStreams } from './object-streams';
import { PdfDocument } from './pdf-document';
import type { PdfRef } from './pdf-objects';
import { type ReadBudget, type ReadLimits, limitsFor } from './read-budget';
import { walkReachable } from './reachable';
import { reconstructXref } from './reconstruct-xref';

export interface OpenPdfOptions {
  readonly budget?: ReadBudget | ReadLimits;
  /** Rebuild damaged cross-reference data from the objects in the file (doc.damage then says why). */
  readonly recover?: boolean;
  /**
   * Reads what the caller will need, so that damage met there (an xref entry pointing at the wrong
   * bytes) also leads to a rebuild rather than to a failure half-way through the caller's work.
   */
  readonly probe?: (doc: PdfDocument) => void;
  /** Damage the caller met reading this file before: rebuild at once, without the xref. */
  readonly damage?: PdfSignError;
}

/** Opens a PDF; with `recover`, a file whose cross-reference data is damaged is read by rebuilding it. */
export function openPdf(source: ByteSource, options: OpenPdfOptions = {}): PdfDocument {
  const limits = limitsFor(source.length, options.budget);
  if (options.damage) {
    const doc = rebuild(source, limits, options.damage);
    options.probe?.(doc);
    return doc;
  }
  try {
    const doc = PdfDocument.open(source, limits);
    options.probe?.(doc);
    return doc;
  } catch (e) {
    if (!options.recover || !isRepairableDamage(e)) throw e;
    const doc = rebuild(source, limits, e);
    options.probe?.(doc);
    return doc;
  }
}

/**
 * The document as the objects found in the file describe it. Only a complete one is accepted:
 * when something the document refers to is not in the file, it was cut short, and signing what
 * is left would sign half a document.
 */
function rebuild(source: ByteSource, limits: ReadLimits, damage: PdfSignError): PdfDocument {
  const failed = (why: string) => new PdfSignError(damage.code, `${damage.message}; rebuilding it from the objects in the file failed too: ${why}`);
  let doc: PdfDocument;
  let unreadable: ReadonlyMap<number, PdfSignError>;
  let missing: PdfRef[];
  try {
    const objectStreams = new ObjectStreams(limits);
    const endstreams = new EndstreamFinder(source);
    const reconstruction = reconstructXref(source, limits, objectStreams, endstreams);
    unreadable = reconstruction.unreadable;
    doc = new PdfDocument(source, reconstruction.chain, limits, { reason: damage.message }, objectStreams, endstreams);
    missing = walkReachable(doc, () => undefined).missing;
  } catch (e) {
    if (e instanceof PdfSignError && (e.code === 'BROKEN_XREF' || e.code === 'TRUNCATED_PDF' || e.code === 'MALFORMED_PDF')) throw failed(e.message);
    throw e;
  }
  if (missing.length > 0) {
    const first = missing[0].num;
    const why = unreadable.get(first);
    // An object that is there but cannot be read for a reason of its own: that reason is the cause.
    if (why && why.code !== 'MALFORMED_PDF') throw new PdfSignError(why.code, `object ${first}: ${why.message}`);
    throw failed(`${missing.length} object${missing.length > 1 ? 's' : ''} the document refers to ${missing.length > 1 ? 'are' : 'is'} not in the file (the first: object ${first}${why ? `, unreadable: ${why.message}` : ''})`);
  }
  return doc;
}
