/** A reason an uploaded file is refused, with the HTTP status that fits it. */
export interface UploadProblem {
  status: 400 | 413 | 415;
  reason: string;
}

/** The first and last bytes of an upload, and its size: all the cheap checks need. */
export interface UploadEnds {
  size: number;
  head: Buffer;
  tail: Buffer;
}

/** How much of each end the checks look at. */
export const HEAD_BYTES = 1024;
export const TAIL_BYTES = 64 * 1024;

/**
 * Cheap checks at the door, before anything is stored: emptiness, size, the PDF header and the end
 * marker. What is broken inside is for the PDF preflight.
 */
export function checkPdfUpload(name: string, upload: UploadEnds, maxBytes: number): UploadProblem | undefined {
  if (upload.size === 0) return { status: 400, reason: `${name}: the file is empty` };
  if (upload.size > maxBytes) {
    return { status: 413, reason: `${name}: ${upload.size} bytes, the limit is ${maxBytes} bytes` };
  }
  // The header may follow a little garbage (ISO 32000-1, 7.5.2 allows readers to tolerate it); 1 KiB is what Acrobat accepts.
  if (!upload.head.subarray(0, HEAD_BYTES).includes('%PDF-')) return { status: 415, reason: `${name}: not a PDF (no %PDF- header)` };
  if (!upload.tail.includes('%%EOF')) {
    return { status: 400, reason: `${name}: truncated PDF (no %%EOF marker at the end)` };
  }
  return undefined;
}
