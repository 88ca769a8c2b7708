export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /**
   * Called before each check; what it throws ends the wait at once, unchanged. For what makes the
   * awaited state impossible, such as a child process that died: the wait should fail with why,
   * not time out later without it.
   */
  failFast?: () => void;
}

/** Polls `check` until it returns a value other than undefined/false, or fails with `what` after the timeout. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, opts: WaitForOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    opts.failFast?.();
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      opts.failFast?.();
      const suffix = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out waiting for ${what}${suffix}`);
    }
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 50));
  }
}
