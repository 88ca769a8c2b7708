import { PdfSignError } from '../errors';
import type { ByteSource } from './byte-source';
import type { PdfDocument } from './pdf-document';
import { PdfDict, type PdfObject, PdfRef, isName } from './pdf-objects';

/** A signature dictionary (ISO 32000-1 12.8.1) or a document time-stamp (ISO 32000-2 12.8.5). */
export function isSignatureDictionary(v: PdfObject | undefined): v is PdfDict {
  if (!(v instanceof PdfDict)) return false;
  return isName(v.get('Type'), 'Sig') || isName(v.get('Type'), 'DocTimeStamp') || (v.has('ByteRange') && v.has('Contents'));
}

/**
 * Whether the file carries a signature anywhere, reachable or not, readable or not: before a
 * damaged file is rewritten, a signature that the damage hid must still stop it.
 */
export function fileCarriesSignature(doc: PdfDocument): boolean {
  if (hasByteRangeText(doc.source)) return true;
  for (const num of doc.xref.entries.keys()) {
    let value: PdfObject;
    try {
      value = doc.fetch(new PdfRef(num, 0));
    } catch (e) {
      if (e instanceof PdfSignError && e.code === 'BUDGET_EXCEEDED') throw e;
      continue;
    }
    if (isSignatureDictionary(value)) return true;
  }
  return false;
}

const CHUNK = 1024 * 1024;
const NEEDLE = /\/ByteRange\s*\[/;

// Signature dictionaries are never compressed (their /Contents must be found in the file), so
// the bytes themselves tell, even when the object around them cannot be parsed.
function hasByteRangeText(src: ByteSource): boolean {
  for (let at = 0; at < src.length; at += CHUNK - 32) {
    if (NEEDLE.test(src.read(at, CHUNK).toString('latin1'))) return true;
  }
  return false;
}
