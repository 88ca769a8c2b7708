import { decodeStream } from '../core/filters';
import type { PdfDocument } from '../core/pdf-document';
import { PdfStream } from '../core/pdf-objects';
import { PdfSignError } from '../errors';

/** The PDF/A part and conformance level the XMP metadata claims (ISO 19005), if any. */
export function pdfaIdentification(doc: PdfDocument): { part: number; conformance?: string } | undefined {
  const metadata = doc.resolve(doc.catalog().dict.get('Metadata'));
  if (!(metadata instanceof PdfStream)) return undefined;
  let xmp: string;
  try {
    xmp = decodeStream(metadata, 'the XMP metadata', doc.limits).toString('utf8');
  } catch (e) {
    if (e instanceof PdfSignError && e.code === 'BUDGET_EXCEEDED') throw e;
    return undefined; // unreadable metadata claims nothing
  }
  const field = (name: string) => new RegExp(`pdfaid:${name}\\s*=\\s*["']([^"']*)["']|<pdfaid:${name}>\\s*([^<]*?)\\s*<`).exec(xmp);
  const part = field('part');
  const value = part && Number(part[1] ?? part[2]);
  if (!value || !Number.isInteger(value)) return undefined;
  const conformance = field('conformance');
  return { part: value, ...(conformance ? { conformance: conformance[1] ?? conformance[2] } : {}) };
}
