import type { ByteSource } from './byte-source';

/**
 * The first `length` bytes of another source: the file as it was at an earlier revision. It reads
 * through to the source it cuts, so a revision of a file on disk is not copied into memory.
 */
export class PrefixSource implements ByteSource {
  constructor(
    private readonly whole: ByteSource,
    readonly length: number,
  ) {}

  byteAt(pos: number): number {
    return pos < this.length ? this.whole.byteAt(pos) : -1;
  }

  read(offset: number, length: number): Buffer {
    const end = Math.min(this.length, offset + length);
    return end <= Math.max(0, offset) ? Buffer.alloc(0) : this.whole.read(offset, end - offset);
  }

  scan(offset: number, length: number, visit: (piece: Buffer) => void): void {
    const end = Math.min(this.length, offset + length);
    if (end > Math.max(0, offset)) this.whole.scan(offset, end - offset, visit);
  }
}
