import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { OutputTail } from './output-tail';

export interface ChildWatchOptions {
  /** Names the child in failures: "routing", "ward 000.32.13.H26". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where stdout and stderr are appended too, for a post-mortem after the test. */
  logFile?: string;
  /** How much of the output a failure shows; default 64 KiB. */
  keepBytes?: number;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A watched child process ended without the test asking it to. */
export class ChildExitedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChildExitedError';
  }
}

type LineListener = (line: string, stream: 'stdout' | 'stderr') => void;

/**
 * A child process a test depends on: keeps the last of its output, knows which exit the test asked
 * for, and turns any other exit into a failure that names the child, how it ended and what it said
 * last. Waits pass `failFast: () => watch.assertAlive()` so a dead child fails them at once instead
 * of letting them time out without a word on why.
 */
export class ChildWatch {
  readonly child: ChildProcess;
  /** Resolves when the process exits (its output may still be arriving). */
  readonly exited: Promise<ChildExit>;
  private readonly tail: OutputTail;
  private readonly lineListeners: LineListener[] = [];
  private exitRequested = false;
  private spawnError: Error | undefined;
  /** Set once the process exited and its output streams closed: the output is complete then. */
  private ended: ChildExit | undefined;

  private constructor(private readonly opts: ChildWatchOptions) {
    this.tail = new OutputTail(opts.keepBytes);
    this.child = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = opts.logFile === undefined ? undefined : createWriteStream(opts.logFile, { flags: 'a' });
    // The copy is for a post-mortem: a log that cannot be written (its folder removed at teardown) must not crash the run.
    log?.on('error', () => undefined);
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = this.child[stream]!;
      readable.on('data', (chunk: Buffer) => {
        this.tail.push(chunk);
        log?.write(chunk);
      });
      createInterface({ input: readable, crlfDelay: Infinity }).on('line', (line) => {
        for (const listener of this.lineListeners) listener(line, stream);
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    // 'close' waits for the output; a grandchild holding the pipes open must not hide the exit.
    void this.exited.then((exit) => setTimeout(() => (this.ended ??= exit), 1_000).unref());
    // A failed spawn emits 'error' (and maybe no 'exit'); unhandled, it would crash the test runner.
    this.child.once('error', (error) => {
      this.spawnError = error;
      this.ended ??= { code: null, signal: null };
    });
    this.child.once('close', (code, signal) => {
      this.ended = { code, signal };
      log?.end();
    });
  }

  static spawn(opts: ChildWatchOptions): ChildWatch {
    return new ChildWatch(opts);
  }

  get name(): string {
    return this.opts.name;
  }

  /** True until the process exits. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.spawnError === undefined;
  }

  /** The last of stdout and stderr, interleaved as they came. */
  output(): string {
    return this.tail.toString();
  }

  /** Calls `listener` with each complete line the child writes, from now on. */
  onLine(listener: LineListener): void {
    this.lineListeners.push(listener);
  }

  /** True once the test asked the child to stop. */
  get stopRequested(): boolean {
    return this.exitRequested;
  }

  /** Marks the coming exit as wanted (for a test that stops the child some other way). */
  expectExit(): void {
    this.exitRequested = true;
  }

  /** Sends `signal` as a wanted stop; the exit that follows is no failure (one that came before still is). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.running) return;
    this.expectExit();
    this.child.kill(signal);
  }

  /**
   * Stops the child as wanted and resolves with how it ended; with `killAfterMs`, a child still
   * there by then gets SIGKILL, so a teardown cannot hang on it.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', opts: { killAfterMs?: number } = {}): Promise<ChildExit> {
    this.kill(signal);
    if (this.spawnError !== undefined) return { code: null, signal: null };
    const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => this.child.kill('SIGKILL'), opts.killAfterMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Why the child is gone when the test did not ask for it; undefined while it runs or after a wanted exit. */
  get failure(): ChildExitedError | undefined {
    if (this.exitRequested || this.ended === undefined) return undefined;
    const how = this.spawnError !== undefined ? `could not be started (${this.spawnError.message})` : describeExit(this.ended);
    const output = this.output().trimEnd();
    return new ChildExitedError(`${this.opts.name} (pid ${this.child.pid ?? '-'}) ${how} without being asked to; its last output:\n${output === '' ? '(none)' : output}`);
  }

  /** Throws the failure, if any: the `failFast` of a wait. */
  assertAlive(): void {
    const failure = this.failure;
    if (failure !== undefined) throw failure;
  }
}

function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}
