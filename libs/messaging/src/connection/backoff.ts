/**
 * The pause before retry number `failures` (1 for the first): `firstMs`, doubled after each
 * failure, never more than `maxMs`. Doubling keeps a long outage from flooding the broker and the
 * log, the cap keeps recovery prompt once the cause has passed.
 */
export function backoffDelayMs(failures: number, firstMs: number, maxMs: number): number {
  const doublings = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(maxMs, firstMs * 2 ** doublings);
}
