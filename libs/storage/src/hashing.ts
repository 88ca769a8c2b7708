import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { ObjectTooLargeError, StorageError } from './errors';

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hashes and counts chunks as they pass, and stops past a size limit. */
export class HashingMeter {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  constructor(private readonly maxBytes?: number) {}

  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.maxBytes !== undefined && this.bytes > this.maxBytes) throw new ObjectTooLargeError(this.maxBytes);
    this.hash.update(chunk);
  }

  get size(): number {
    return this.bytes;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** A pipeline stage that hashes and counts what passes through it: a file copied and checked in one pass. */
export function hashingPassThrough(): { stage: Transform; result: () => { sha256: string; size: number } } {
  const meter = new HashingMeter();
  const stage = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      meter.update(chunk);
      done(null, chunk);
    },
  });
  return { stage, result: () => ({ sha256: meter.digest(), size: meter.size }) };
}

/** SHA-256 and size of a file, read in chunks; past `maxBytes` it throws ObjectTooLargeError. */
export async function measureFile(path: string, maxBytes?: number): Promise<{ sha256: string; size: number }> {
  const meter = new HashingMeter(maxBytes);
  for await (const chunk of createReadStream(path)) meter.update(chunk as Buffer);
  return { sha256: meter.digest(), size: meter.size };
}

/** SHA-256 of everything a stream yields, read in chunks (never buffered whole). */
export async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** put() accepts exactly these two kinds of input; anything else is a programming error named clearly. */
export function assertPutInput(data: unknown): asserts data is Buffer | Readable {
  if (Buffer.isBuffer(data) || data instanceof Readable) return;
  const kind = data === null ? 'null' : typeof data === 'object' ? (data.constructor?.name ?? 'object') : typeof data;
  throw new StorageError('INVALID_INPUT', `put() expects a Buffer or a Readable stream, got ${kind}`);
}

/** putOnce() takes the same two kinds of input as put(); the message names the archive name it was for. */
export function assertArchiveInput(name: string, data: unknown): asserts data is Buffer | Readable {
  if (Buffer.isBuffer(data) || data instanceof Readable) return;
  throw new TypeError(`putOnce("${name}") expects a Buffer or a Readable stream`);
}

/** Gives up a stream a store refused before reading it, so the file or socket behind it is not held open. */
export function discardInput(data: unknown): void {
  if (data instanceof Readable) data.destroy();
}

export function assertWithinLimit(size: number, maxBytes: number | undefined): void {
  if (maxBytes !== undefined && size > maxBytes) throw new ObjectTooLargeError(maxBytes);
}
