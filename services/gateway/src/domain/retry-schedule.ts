/** When a post that failed is tried again: doubling from `firstMs`, capped at `maxMs`, spread by ±20 % so that a backlog does not retry in step. */
export function retryDelayMs(attempts: number, options: { firstMs: number; maxMs: number }, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const base = Math.min(options.firstMs * 2 ** exponent, options.maxMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** What a failed post means for its row. */
export type PostFailure = { kind: 'retry'; reason: string } | { kind: 'refused'; reason: string };

/** The row's next state after a failure: tried again later, or dead once refused or out of attempts. */
export function afterFailure(
  failure: PostFailure,
  attempts: number,
  options: { maxAttempts: number; firstMs: number; maxMs: number },
  now: Date,
  random: () => number = Math.random,
): { state: 'pending'; nextAttemptAt: Date; reason: string } | { state: 'dead'; reason: string } {
  if (failure.kind === 'refused') return { state: 'dead', reason: `refused by the axis: ${failure.reason}` };
  if (attempts >= options.maxAttempts) return { state: 'dead', reason: `gave up after ${attempts} attempts; last: ${failure.reason}` };
  return { state: 'pending', nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts, options, random)), reason: failure.reason };
}
