interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: what callers submit while a batch is being written waits and goes in the next batch,
 * so N callers at once cost about one transaction instead of N (worth most where each transaction
 * queues behind one lock), and a lone caller waits for nobody: there is no timer.
 *
 * `write` gets the items of one batch and returns one result per item, in order. When a batch fails,
 * each of its items is written again alone, so one bad item fails only its own caller.
 */
export class GroupCommit<I, R> {
  private readonly waiting: Waiting<I, R>[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = 64,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`GroupCommit needs a positive whole maxBatch, got ${maxBatch}`);
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.writing || this.waiting.length === 0) return;
    this.writing = true;
    const batch = this.waiting.splice(0, this.maxBatch);
    void this.flush(batch).finally(() => {
      this.writing = false;
      this.next();
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
