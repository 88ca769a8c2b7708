import { join, resolve } from 'node:path';
import { ChildWatch } from './child-watch';

const ROOT = resolve(__dirname, '..', '..');

export interface WardProcessOptions {
  code: string;
  amqpUrl: string;
  intakeUrl: string;
  /** The ward-system user: the watch signs in as it (demo password) and stays signed in for as long as it runs. */
  user: string;
  outDir: string;
  /** Extra flags such as --accept or --complete. */
  flags?: string[];
  env?: Record<string, string>;
  /** Where stdout and stderr are copied, for a failing test's post-mortem. */
  logFile: string;
  /** How long to wait for it to consume ("saving to"); default 30 s. */
  startTimeoutMs?: number;
}

/**
 * A ward's own system as a separate process: `edoc ward watch` from the built code, with the
 * ward's broker user and the ward-system user's session. Its stdout lines (one per delivery) are
 * collected for the test; if it exits unasked, every wait on it fails at once with its output.
 */
export class WardProcess {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly watch: ChildWatch) {
    watch.onLine((line, stream) => {
      (stream === 'stdout' ? this.lines : this.errors).push(line);
      this.wakeWaiters();
    });
    watch.child.once('close', () => this.wakeWaiters());
  }

  /** Starts the watch and resolves once it consumes; fails with its output if it dies or takes too long. */
  static async start(opts: WardProcessOptions): Promise<WardProcess> {
    const args = [join(ROOT, 'bin', 'edoc.js'), 'ward', 'watch', '--code', opts.code, '--url', opts.intakeUrl, '--as', opts.user, '--out', opts.outDir, ...(opts.flags ?? [])];
    const watch = ChildWatch.spawn({
      name: `edoc ward watch --code ${opts.code}`,
      command: process.execPath,
      args: ['--enable-source-maps', ...args],
      cwd: ROOT,
      // The broker password goes in the environment, as docs/ward-integration.md asks: not on a command line.
      env: { ...process.env, NO_COLOR: '1', ...opts.env, EDOC_WARD_AMQP_URL: opts.amqpUrl },
      logFile: opts.logFile,
    });
    const ward = new WardProcess(watch);
    try {
      await ward.waitForLine('the ward to start consuming', (line) => line.includes('saving to'), 'stderr', opts.startTimeoutMs ?? 30_000);
    } catch (error) {
      await ward.stop();
      throw error;
    }
    return ward;
  }

  /** Throws, with its output, if the process exited without being stopped: for `failFast` of a wait. */
  assertAlive(): void {
    this.watch.assertAlive();
  }

  /** Resolves with the first line (old or new) that matches; fails with its output if it dies first or the time is up. */
  async waitForLine(what: string, matches: (line: string) => boolean, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 30_000): Promise<string> {
    const lines = stream === 'stdout' ? this.lines : this.errors;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(matches);
      if (found !== undefined) return found;
      const failure = this.watch.failure;
      if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure.message}`);
      if (this.watch.stopRequested) throw new Error(`the ward process was stopped before ${what}:\n${this.watch.output()}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}; the ward's last output:\n${this.watch.output()}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(done, Math.min(remaining, 1_000));
        const waiters = this.waiters;
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          r();
        }
        waiters.add(done);
      });
    }
  }

  transcript(): string {
    return this.watch.output();
  }

  /** SIGTERM, then the exit code (the watch finishes the message in hand and exits 0); SIGKILL after 30 s. */
  async stop(): Promise<number | null> {
    return (await this.watch.stop('SIGTERM', { killAfterMs: 30_000 })).code;
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
