import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { PdfSignError } from '../errors';

/**
 * Random access to the bytes of a PDF. Signing reads only the trailer, the xref and a handful of
 * objects, so a file source pages in small blocks instead of loading a 200 MB file.
 */
export interface ByteSource {
  readonly length: number;
  byteAt(pos: number): number; // -1 past the end
  read(offset: number, length: number): Buffer;
}

export class BufferSource implements ByteSource {
  readonly length: number;

  constructor(private readonly buf: Buffer) {
    this.length = buf.length;
  }

  byteAt(pos: number): number {
    return pos >= 0 && pos < this.length ? this.buf[pos] : -1;
  }

  read(offset: number, length: number): Buffer {
    return this.buf.subarray(Math.max(0, offset), Math.min(this.length, offset + length));
  }

  /** A view of the first `length` bytes: the file as it was at an earlier revision. */
  prefix(length: number): BufferSource {
    return new BufferSource(this.buf.subarray(0, length));
  }
}

const BLOCK = 64 * 1024;
const MAX_BLOCKS = 64;

export class FileSource implements ByteSource {
  readonly length: number;
  private readonly fd: number;
  private readonly blocks = new Map<number, Buffer>();
  private last: { index: number; data: Buffer } | undefined;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
      this.length = fstatSync(this.fd).size;
    } catch (e) {
      throw new PdfSignError('IO_ERROR', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  byteAt(pos: number): number {
    if (pos < 0 || pos >= this.length) return -1;
    const index = Math.floor(pos / BLOCK);
    const block = this.last && this.last.index === index ? this.last.data : this.block(index);
    return block[pos - index * BLOCK];
  }

  read(offset: number, length: number): Buffer {
    const start = Math.max(0, offset);
    const end = Math.min(this.length, offset + length);
    if (end <= start) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(end - start);
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, out.length - done, start + done);
      if (n === 0) throw new PdfSignError('IO_ERROR', `${this.path} shrank while being read`);
      done += n;
    }
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }

  private block(index: number): Buffer {
    let data = this.blocks.get(index);
    if (!data) {
      data = this.read(index * BLOCK, BLOCK);
      this.blocks.set(index, data);
      if (this.blocks.size > MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value as number);
    }
    this.last = { index, data };
    return data;
  }
}
