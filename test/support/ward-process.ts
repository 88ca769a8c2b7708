import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '..', '..');

export interface WardProcessOptions {
  code: string;
  amqpUrl: string;
  intakeUrl: string;
  token: string;
  outDir: string;
  /** Extra flags such as --accept or --complete. */
  flags?: string[];
  env?: Record<string, string>;
  /** Where stdout and stderr are copied, for a failing test's post-mortem. */
  logFile: string;
}

/**
 * A ward's own system as a separate process: `edoc ward watch` from the built code, with the
 * ward's broker user and the ward-system user's token. Its stdout lines (one per delivery) are
 * collected for the test.
 */
export class WardProcess {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  private readonly waiters = new Set<() => void>();
  private exit: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    this.exit = new Promise((r) => child.once('exit', (code) => r(code)));
  }

  static async start(opts: WardProcessOptions): Promise<WardProcess> {
    const args = [join(ROOT, 'bin', 'edoc.js'), 'ward', 'watch', '--code', opts.code, '--amqp-url', opts.amqpUrl, '--url', opts.intakeUrl, '--token', opts.token, '--out', opts.outDir, ...(opts.flags ?? [])];
    const child = spawn(process.execPath, ['--enable-source-maps', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const ward = new WardProcess(child);
    const log = createWriteStream(opts.logFile, { flags: 'a' });
    createInterface({ input: child.stdout! }).on('line', (line) => ward.note(ward.lines, line, log));
    createInterface({ input: child.stderr! }).on('line', (line) => ward.note(ward.errors, line, log));
    try {
      await ward.waitForLine('the ward to start consuming', (line) => line.includes('saving to'), 'stderr', 30_000);
    } catch (error) {
      await ward.stop();
      throw error;
    }
    return ward;
  }

  /** Resolves with the first line (old or new) that matches; fails with everything it said so far. */
  async waitForLine(what: string, matches: (line: string) => boolean, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 30_000): Promise<string> {
    const lines = stream === 'stdout' ? this.lines : this.errors;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(matches);
      if (found !== undefined) return found;
      if (this.child.exitCode !== null) throw new Error(`the ward process exited (${this.child.exitCode}) before ${what}:\n${this.transcript()}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}:\n${this.transcript()}`);
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
    return [...this.lines.map((l) => `out: ${l}`), ...this.errors.map((l) => `err: ${l}`)].join('\n');
  }

  /** SIGTERM, then the exit code (the watch finishes the message in hand and exits 0). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exit;
  }

  private note(into: string[], line: string, log: NodeJS.WritableStream): void {
    into.push(line);
    log.write(`${line}\n`);
    for (const wake of [...this.waiters]) wake();
  }
}
