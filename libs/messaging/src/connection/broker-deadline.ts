/** How long a channel open or a passive check may take before it counts as lost. */
export const BROKER_RPC_TIMEOUT_MS = 5_000;

/**
 * Bounds the wait for a broker round trip. amqplib never settles a channel open or a passive check
 * sent on a connection that closed underneath it, and an unbounded await there would stall its
 * caller (the outbox relay, a channel's reopening) for good. A late success is handed to
 * `discardLate`, so a channel opened after the deadline is closed, not leaked.
 */
export function withinDeadline<T>(work: Promise<T>, ms: number, what: string, discardLate?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(`${what}: no answer from the broker within ${ms} ms`));
    }, ms);
    work.then(
      (value) => {
        if (late) discardLate?.(value);
        else {
          clearTimeout(timer);
          resolve(value);
        }
      },
      (error: unknown) => {
        if (late) return;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
