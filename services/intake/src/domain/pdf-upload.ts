/** A reason an uploaded file is refused, with the HTTP status that fits it. */
export interface UploadProblem {
  status: 400 | 413 | 415;
  reason: string;
}

/**
 * Cheap checks at the door, before anything is stored: the signing service parses the file
 * fully and refuses what is broken inside, but emptiness, size and the PDF header are known here.
 */
export function checkPdfUpload(name: string, bytes: Buffer, maxBytes: number): UploadProblem | undefined {
  if (bytes.length === 0) return { status: 400, reason: `${name}: the file is empty` };
  if (bytes.length > maxBytes) {
    return { status: 413, reason: `${name}: ${bytes.length} bytes, the limit is ${maxBytes} bytes` };
  }
  // The header may follow a little garbage (ISO 32000-1, 7.5.2 allows readers to tolerate it); 1 KiB is what Acrobat accepts.
  if (!bytes.subarray(0, 1024).includes('%PDF-')) return { status: 415, reason: `${name}: not a PDF (no %PDF- header)` };
  if (!bytes.subarray(Math.max(0, bytes.length - 2048)).includes('%%EOF')) {
    return { status: 400, reason: `${name}: truncated PDF (no %%EOF marker at the end)` };
  }
  return undefined;
}
