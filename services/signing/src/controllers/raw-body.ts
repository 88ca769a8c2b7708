import { PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';

/** The body of a request no parser took (a DER request), read up to `maxBytes`: one byte more is 413. */
export async function readRawBody(request: Request, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new PayloadTooLargeException(`the request body is more than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}
