import type { ByteSource } from '../core/byte-source';
import type { PdfDocument } from '../core/pdf-document';
import { type PdfDict, PdfString } from '../core/pdf-objects';

/** The SubFilters whose CMS this verifier checks as a signer's signature. */
export const SUPPORTED_SUBFILTERS: ReadonlySet<string> = new Set(['ETSI.CAdES.detached', 'adbe.pkcs7.detached']);

/** A document time-stamp: /Contents is an RFC 3161 token over the byte ranges. */
export const DOCUMENT_TIMESTAMP_SUBFILTER = 'ETSI.RFC3161';

export interface ByteRangeShape {
  /** Why the ranges cannot be those of a sound signature; undefined when they can. */
  readonly problem?: string;
  readonly signedLength?: number;
  readonly coversWholeFile: boolean;
  /** The unsigned gap [start, end): exactly the /Contents string. */
  readonly gap?: readonly [number, number];
  readonly contents?: PdfString;
}

/** /ByteRange must be [0 a b c] with the gap exactly on this dictionary's /Contents, inside the file. */
export function byteRangeShape(doc: PdfDocument, sig: PdfDict, fileLength: number): ByteRangeShape {
  const range = doc.resolve(sig.get('ByteRange'));
  const contents = sig.get('Contents');
  if (!Array.isArray(range) || range.length !== 4 || !range.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
    return { problem: '/ByteRange is not four non-negative integers', coversWholeFile: false };
  }
  const [a, b, c, d] = range as number[];
  const signedLength = c + d;
  const coversWholeFile = signedLength === fileLength;
  if (!(contents instanceof PdfString) || !contents.span) {
    return { problem: '/Contents is not a string written directly in the file', signedLength, coversWholeFile };
  }
  const problem =
    a !== 0 ? 'the first range does not start at byte 0'
    : b !== contents.span.start || c !== contents.span.end ? `the unsigned gap [${b}, ${c}) is not exactly the /Contents string [${contents.span.start}, ${contents.span.end})`
    : signedLength > fileLength ? `the ranges run to byte ${signedLength}, past the end of the file (${fileLength})`
    : !contents.hex ? '/Contents is not a hexadecimal string'
    : undefined;
  return { problem, signedLength, coversWholeFile, gap: [b, c], contents };
}

/**
 * Whether the signed bytes end where a revision ends (%%EOF, then at most white space). The
 * startxref is searched for far back, so a cut in the middle of a revision would otherwise open
 * an older one.
 */
export function endsAtRevision(source: ByteSource, signedLength: number): boolean {
  const ending = source.read(Math.max(0, signedLength - 1024), Math.min(1024, signedLength)).toString('latin1');
  return /%%EOF[\0\t\n\f\r ]*$/.test(ending);
}
