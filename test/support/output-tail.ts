/** The last `limitBytes` of what a process wrote: enough to see why it died, bounded for long runs. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private dropped = 0;

  constructor(private readonly limitBytes = 64 * 1024) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes - this.chunks[0].length >= this.limitBytes) {
      const first = this.chunks.shift()!;
      this.bytes -= first.length;
      this.dropped += first.length;
    }
    if (this.bytes > this.limitBytes) {
      const excess = this.bytes - this.limitBytes;
      this.chunks[0] = this.chunks[0].subarray(excess);
      this.bytes -= excess;
      this.dropped += excess;
    }
  }

  /** The kept text, saying how much came before it. */
  toString(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `[${this.dropped} earlier bytes not kept]\n${text}` : text;
  }
}
