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
  /**
   * Hands bytes [offset, offset + length) to `visit` in order, in pieces that are valid only
   * during the call (a file source reuses one buffer): for reading far more than the parser does,
   * such as hashing a signed range, without holding it.
   */
  scan(offset: number, length: number, visit: (piece: Buffer) => void): void;
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

  scan(offset: number, length: number, visit: (piece: Buffer) => void): void {
    const piece = this.read(offset, length);
    if (piece.length > 0) visit(piece);
  }
}

const BLOCK = 64 * 1024;
const MAX_BLOCKS = 64;
const SCAN_PIECE = 1024 * 1024;
/**
 * A file up to this size is read whole when opened. Signing and verifying hash every byte of it
 * anyway, and read it besides in blocks and objects: a 20 KB document cost about 40 reads, each a
 * call into the kernel that holds the event loop. One scan's buffer is as large, so the memory a
 * source may hold does not grow.
 */
const READ_WHOLE_UP_TO = SCAN_PIECE;

export class FileSource implements ByteSource {
  readonly length: number;
  private readonly fd: number;
  private readonly blocks = new Map<number, Buffer>();
  private last: { index: number; data: Buffer } | undefined;
  /** The whole file, when it is small (READ_WHOLE_UP_TO): every read is then served from memory. */
  private readonly whole: BufferSource | undefined;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new PdfSignError('IO_ERROR', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const stat = fstatSync(this.fd);
    // A directory opens, and reports a size, but cannot be read: say so now, not at the first read.
    if (!stat.isFile()) {
      closeSync(this.fd);
      throw new PdfSignError('IO_ERROR', `cannot read ${path}: not a regular file`);
    }
    this.length = stat.size;
    if (this.length <= READ_WHOLE_UP_TO) {
      const bytes = Buffer.allocUnsafe(this.length);
      try {
        this.fill(bytes, 0);
      } catch (e) {
        closeSync(this.fd);
        throw e;
      }
      this.whole = new BufferSource(bytes);
    }
  }

  byteAt(pos: number): number {
    if (this.whole) return this.whole.byteAt(pos);
    if (pos < 0 || pos >= this.length) return -1;
    const index = Math.floor(pos / BLOCK);
    const block = this.last && this.last.index === index ? this.last.data : this.block(index);
    return block[pos - index * BLOCK];
  }

  read(offset: number, length: number): Buffer {
    if (this.whole) return this.whole.read(offset, length);
    const start = Math.max(0, offset);
    const end = Math.min(this.length, offset + length);
    if (end <= start) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(end - start);
    this.fill(out, start);
    return out;
  }

  scan(offset: number, length: number, visit: (piece: Buffer) => void): void {
    if (this.whole) {
      this.whole.scan(offset, length, visit);
      return;
    }
    const start = Math.max(0, offset);
    const end = Math.min(this.length, offset + length);
    if (end <= start) return;
    // One buffer for every piece: a range of hundreds of megabytes costs one megabyte.
    const buf = Buffer.allocUnsafe(Math.min(SCAN_PIECE, end - start));
    for (let pos = start; pos < end; pos += SCAN_PIECE) {
      const piece = buf.subarray(0, Math.min(SCAN_PIECE, end - pos));
      this.fill(piece, pos);
      visit(piece);
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private fill(out: Buffer, position: number): void {
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, out.length - done, position + done);
      if (n === 0) throw new PdfSignError('IO_ERROR', `${this.path} shrank while being read`);
      done += n;
    }
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
