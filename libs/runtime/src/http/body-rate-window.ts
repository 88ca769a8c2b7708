/**
 * The bytes a client sent over its last `ticks` turns, a turn being one tick in which the server
 * waited for it. Ticks in which the application had data it had not read yet are not turns of the
 * client and are not recorded: a server slow to write a file must not cut its client.
 */
export class BodyRateWindow {
  private readonly samples: number[] = [];
  private sum = 0;

  /** `ticks` turns must bring at least `minBytes` in all. */
  constructor(
    private readonly ticks: number,
    private readonly minBytes: number,
  ) {}

  /** Records one turn of the client; true once a full window brought fewer than `minBytes`. */
  record(bytes: number): boolean {
    this.samples.push(bytes);
    this.sum += bytes;
    if (this.samples.length > this.ticks) this.sum -= this.samples.shift() ?? 0;
    return this.samples.length === this.ticks && this.sum < this.minBytes;
  }

  /** Bytes over the turns recorded in the window. */
  get bytes(): number {
    return this.sum;
  }
}
