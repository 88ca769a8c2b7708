interface Pending<T> {
  item: T;
  urgent: boolean;
  /** Epoch ms before which the item is not handed out (a retry waiting out its pause). */
  notBefore: number;
  order: number;
}

/**
 * Messages received and not yet settled, handed out urgent first, then in arrival order. The
 * broker pushes from both queues at once; this is where urgent documents overtake normal ones.
 */
export class PendingDeliveries<T> {
  private items: Pending<T>[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T, urgent: boolean, notBefore = 0): void {
    this.items.push({ item, urgent, notBefore, order: this.counter++ });
  }

  /** The next item ready at `now`, removed from the queue; urgent ones first. */
  take(now: number): T | undefined {
    let best: Pending<T> | undefined;
    for (const candidate of this.items) {
      if (candidate.notBefore > now) continue;
      if (best === undefined || (candidate.urgent && !best.urgent) || (candidate.urgent === best.urgent && candidate.order < best.order)) best = candidate;
    }
    if (best === undefined) return undefined;
    this.items.splice(this.items.indexOf(best), 1);
    return best.item;
  }

  /** When the earliest waiting item becomes ready, or undefined if nothing waits. */
  nextReadyAt(): number | undefined {
    if (this.items.length === 0) return undefined;
    return Math.min(...this.items.map((entry) => entry.notBefore));
  }

  /** Drops the items for which `predicate` holds (the messages of a channel that closed) and returns them. */
  removeWhere(predicate: (item: T) => boolean): T[] {
    const removed = this.items.filter((entry) => predicate(entry.item));
    this.items = this.items.filter((entry) => !predicate(entry.item));
    return removed.map((entry) => entry.item);
  }
}
