/**
 * A growable byte buffer. Strings and names used to be collected in number[], eight bytes of heap
 * per byte of input: a hostile 100 MB string would have needed 800 MB.
 */
export class ByteBuilder {
  private buf = Buffer.allocUnsafe(64);
  length = 0;

  push(byte: number): void {
    if (this.length === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger);
      this.buf = bigger;
    }
    this.buf[this.length++] = byte;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}
