import { PdfDict, PdfRaw, PdfString, name } from '../core/pdf-objects';
import { pdfDate } from '../core/pdf-date';

export const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';

export interface SignatureDictionaryOptions {
  readonly signingTime: Date;
  readonly reservedBytes: number;
  readonly signerName?: string;
  readonly reason?: string;
  readonly location?: string;
  readonly contactInfo?: string;
}

/**
 * The signature value dictionary (ISO 32000-1 12.8.1) for PAdES baseline: SubFilter
 * ETSI.CAdES.detached, the signing time in /M (never as a CMS signing-time attribute).
 */
export function signatureDictionary(opts: SignatureDictionaryOptions): PdfDict {
  const dict = new PdfDict([
    ['Type', name('Sig')],
    ['Filter', name('Adobe.PPKLite')],
    ['SubFilter', name('ETSI.CAdES.detached')],
    ['ByteRange', new PdfRaw(Buffer.from(BYTE_RANGE_PLACEHOLDER, 'latin1'))],
    ['Contents', new PdfRaw(Buffer.from(`<${'0'.repeat(opts.reservedBytes * 2)}>`, 'latin1'))],
    ['M', PdfString.text(pdfDate(opts.signingTime))],
  ]);
  if (opts.signerName) dict.set('Name', PdfString.text(opts.signerName));
  if (opts.reason) dict.set('Reason', PdfString.text(opts.reason));
  if (opts.location) dict.set('Location', PdfString.text(opts.location));
  if (opts.contactInfo) dict.set('ContactInfo', PdfString.text(opts.contactInfo));
  dict.set('Prop_Build', new PdfDict([['App', new PdfDict([['Name', name('edoc')]])]]));
  return dict;
}

/**
 * A document time-stamp (ISO 32000-2 12.8.5, ETSI EN 319 142-1 5.4): /Contents holds an RFC 3161
 * token over the byte ranges, and there is no signer, so no /M, /Name or /Reason.
 */
export function documentTimestampDictionary(reservedBytes: number): PdfDict {
  return new PdfDict([
    ['Type', name('DocTimeStamp')],
    ['Filter', name('Adobe.PPKLite')],
    ['SubFilter', name('ETSI.RFC3161')],
    ['ByteRange', new PdfRaw(Buffer.from(BYTE_RANGE_PLACEHOLDER, 'latin1'))],
    ['Contents', new PdfRaw(Buffer.from(`<${'0'.repeat(reservedBytes * 2)}>`, 'latin1'))],
    ['Prop_Build', new PdfDict([['App', new PdfDict([['Name', name('edoc')]])]])],
  ]);
}

/** "[0 a b c]" padded with spaces to the placeholder's width, so no byte moves. */
export function formatByteRange(range: readonly [number, number, number, number]): Buffer {
  const text = `[${range.join(' ')}]`;
  if (text.length > BYTE_RANGE_PLACEHOLDER.length) throw new RangeError('file too large for the /ByteRange placeholder');
  return Buffer.from(text.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), 'latin1');
}
