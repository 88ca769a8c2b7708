import { PdfSignError } from '../errors';
import { BufferSource, type ByteSource, FileSource } from './byte-source';

/** A PDF in memory, or the path of one: a file is read in small blocks (a small one whole, at once), so memory stays flat. */
export type PdfInput = Buffer | string;

export function withPdfSource<T>(input: PdfInput, use: (source: ByteSource) => T): T {
  if (Buffer.isBuffer(input)) return use(new BufferSource(input));
  if (typeof input !== 'string') throw new PdfSignError('BAD_ARGUMENT', 'the PDF must be given as a Buffer or a file path');
  const source = new FileSource(input);
  try {
    return use(source);
  } finally {
    source.close();
  }
}
