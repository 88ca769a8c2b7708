import { open } from 'node:fs/promises';
import type { UploadEnds } from '../domain/pdf-upload';

/** The first `headBytes` and last `tailBytes` of a staged file, read without loading the rest. */
export async function readEnds(path: string, headBytes: number, tailBytes: number): Promise<UploadEnds> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(headBytes, size));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(tailBytes, size));
    await handle.read(tail, 0, tail.length, size - tail.length);
    return { size, head, tail };
  } finally {
    await handle.close();
  }
}
