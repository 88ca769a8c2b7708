interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
  submittedAt: number;
}

export interface GroupCommitOptions {
  /** Most items in one batch. Default 64. */
  maxBatch?: number;
  /**
   * How long the first item of a batch waits for company (counted from its submission, so the
   * time it waited behind the batch being written counts); 0, the default, never waits.
   */
  lingerMs?: number;
}

/**
 * Group commit: what callers submit while a batch is being written waits and goes in the next batch,
 * so N callers at once cost about one transaction instead of N (worth most where each transaction
 * queues behind one lock). Without `lingerMs` a lone caller waits for nobody.
 *
 * The messages of one moment (a document's events, a fan-out's arrivals) come a few milliseconds
 * apart, and a write is shorter than that: without waiting, the first went alone and the rest
 * together. With `lingerMs` a batch gathers until its oldest item has waited that long (or the
 * batch is full), as PostgreSQL's commit_delay does for its own flushes: fewer, larger transactions,
 * for a few milliseconds more on each item.
 *
 * `write` gets the items of one batch and returns one result per item, in order. When a batch fails,
 * each of its items is written again alone, so one bad item fails only its own caller.
 */
export class GroupCommit<I, R> {
  private readonly waiting: Waiting<I, R>[] = [];
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private writing = false;
  private lingering: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    { maxBatch = 64, lingerMs = 0 }: GroupCommitOptions = {},
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`GroupCommit needs a positive whole maxBatch, got ${maxBatch}`);
    if (!Number.isFinite(lingerMs) || lingerMs < 0) throw new Error(`GroupCommit needs a lingerMs of 0 or more, got ${lingerMs}`);
    this.maxBatch = maxBatch;
    this.lingerMs = lingerMs;
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject, submittedAt: Date.now() });
      // Even an overdue batch starts from the timer, never inside a submit: on a starved machine the
      // clock can pass the deadline in the middle of a burst, and what is submitted in one turn of
      // the event loop must still go together.
      this.next({ overdueStartsNow: false });
    });
  }

  private next({ overdueStartsNow }: { overdueStartsNow: boolean }): void {
    if (this.writing || this.waiting.length === 0) return;
    if (this.lingerMs === 0 || this.waiting.length >= this.maxBatch) {
      this.startBatch();
      return;
    }
    const wait = this.gatherFor();
    if (wait <= 0 && overdueStartsNow) {
      this.startBatch();
      return;
    }
    this.lingering ??= setTimeout(
      () => {
        this.lingering = undefined;
        this.next({ overdueStartsNow: true });
      },
      Math.max(0, wait),
    );
  }

  /** How much longer the next batch gathers: until its oldest item has waited lingerMs. */
  private gatherFor(): number {
    return (this.waiting[0] as Waiting<I, R>).submittedAt + this.lingerMs - Date.now();
  }

  private startBatch(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    this.writing = true;
    const batch = this.waiting.splice(0, this.maxBatch);
    void this.flush(batch).finally(() => {
      this.writing = false;
      this.next({ overdueStartsNow: true });
    });
  }

  private async flush(batch: Waiting<I, R>[]): Promise<void> {
    try {
      settle(batch, await this.write(batch.map((waiting) => waiting.item)));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
    }
    for (const waiting of batch) {
      try {
        settle([waiting], await this.write([waiting.item]));
      } catch (error) {
        waiting.reject(error);
      }
    }
  }
}

function settle<I, R>(batch: Waiting<I, R>[], results: R[]): void {
  if (results.length !== batch.length) {
    const error = new Error(`GroupCommit: the batch writer returned ${results.length} results for ${batch.length} items`);
    for (const waiting of batch) waiting.reject(error);
    return;
  }
  batch.forEach((waiting, index) => waiting.resolve(results[index]));
}
