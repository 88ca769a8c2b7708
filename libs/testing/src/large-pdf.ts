import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

export interface LargePdf {
  path: string;
  size: number;
  sha256: string;
}

const IMAGE_WIDTH = 4096;
const CHUNK_BYTES = 1 << 20;

/**
 * Writes a sound one-page PDF of about `approxBytes` to `path`, hashing it on the way: a line of
 * text and one uncompressed grey image that carries the bulk. The image bytes are random, so no
 * filter or store along the way can shrink them, but one random megabyte is reused throughout,
 * so a 200 MB file takes the time of writing it and no more. Memory stays at that one megabyte.
 */
export async function writeLargePdf(path: string, approxBytes: number, label = 'Large test document'): Promise<LargePdf> {
  const height = Math.max(1, Math.ceil(Math.max(0, approxBytes - 2048) / IMAGE_WIDTH));
  const imageBytes = IMAGE_WIDTH * height;
  const file = await open(path, 'wx', 0o600);
  const hash = createHash('sha256');
  const offsets: number[] = [];
  let position = 0;
  const write = async (data: string | Buffer) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    hash.update(bytes);
    await file.write(bytes, 0, bytes.length, position);
    position += bytes.length;
  };
  const object = async (num: number, body: string) => {
    offsets[num] = position;
    await write(`${num} 0 obj\n${body}\nendobj\n`);
  };
  try {
    await write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    await object(1, '<< /Type /Catalog /Pages 2 0 R >>');
    await object(2, '<< /Type /Pages /Count 1 /Kids [3 0 R] >>');
    await object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 5 0 R >> /XObject << /Im0 6 0 R >> >> /Contents 4 0 R >>');
    // The nonce makes every generated file distinct, so no store can answer from an earlier run.
    const content = `BT /F1 14 Tf 72 780 Td (${pdfText(label)} ${randomBytes(8).toString('hex')}) Tj ET q 451 0 0 600 72 120 cm /Im0 Do Q`;
    await object(4, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    await object(5, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
    offsets[6] = position;
    await write(`6 0 obj\n<< /Type /XObject /Subtype /Image /Width ${IMAGE_WIDTH} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${imageBytes} >>\nstream\n`);
    const noise = randomBytes(CHUNK_BYTES);
    for (let left = imageBytes; left > 0; left -= CHUNK_BYTES) await write(left >= CHUNK_BYTES ? noise : noise.subarray(0, left));
    await write('\nendstream\nendobj\n');
    const xref = position;
    const entries = offsets.slice(1).map((offset) => `${String(offset).padStart(10, '0')} 00000 n\r\n`);
    await write(`xref\n0 ${offsets.length}\n0000000000 65535 f\r\n${entries.join('')}trailer\n<< /Size ${offsets.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  } finally {
    await file.close();
  }
  return { path, size: position, sha256: hash.digest('hex') };
}

/** Standard fonts draw only Latin-1, and a PDF string must escape its delimiters. */
function pdfText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/[\\()]/g, (c) => `\\${c}`);
}
