import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** What the helper answers for one page: its size and its lines, each [text, xMin, yMin, xMax, yMax] from the top left. */
export interface RawPage {
  page: number;
  width: number;
  height: number;
  lines: [string, number, number, number, number][];
}

/** mutool (mupdf-tools) is not installed. */
export class MutoolMissingError extends Error {}

const SCRIPT = join(__dirname, '..', '..', 'mutool', 'page-text.js');
/** What the helper last said on stderr (MuPDF's warnings about a damaged file), for the error when it dies. */
const STDERR_KEPT = 2_000;

interface Helper {
  child: ChildProcessWithoutNullStreams;
  stderr: string[];
}

interface Asked {
  helper: Helper;
  resolve: (page: RawPage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One `mutool run` process that stays up and reads pages on request, one at a time: starting a
 * process per page (as pdftotext was) cost far more than reading the page (about 6 % of the whole
 * machine under load, nearly all of it exec, page faults and linking). A helper that dies or
 * takes longer than `timeoutMs` fails its request and is started again for the next one; a
 * damaged file only gets an error answer. Requests wait for the one in flight, so a page MuPDF
 * cannot read holds the others up to `timeoutMs`; a page of a real document takes about a millisecond.
 */
export class MutoolPageReader {
  private helper?: Helper;
  private asked?: Asked;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly timeoutMs = 10_000,
    private readonly command = 'mutool',
  ) {}

  /** Page `page` (1-based) of the PDF at `path`, or its last page when `page` is 0. */
  read(path: string, page: number): Promise<RawPage> {
    const answer = this.queue.then(() => this.ask(path, page));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  /** Ends the helper (its stdin closes and it quits). */
  stop(): void {
    const helper = this.helper;
    this.helper = undefined;
    if (helper === undefined) return;
    helper.child.stdin.end();
    const kill = setTimeout(() => helper.child.kill('SIGKILL'), 2_000);
    kill.unref();
    helper.child.once('exit', () => clearTimeout(kill));
  }

  private ask(path: string, page: number): Promise<RawPage> {
    const helper = this.helper ?? this.start();
    return new Promise<RawPage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.forget(helper);
        this.fail(helper, new Error(`mutool took longer than ${this.timeoutMs} ms to read page ${page === 0 ? '(last)' : page}; it is started again`));
        helper.child.kill('SIGKILL');
      }, this.timeoutMs);
      this.asked = { helper, resolve, reject, timer };
      helper.child.stdin.write(`${JSON.stringify({ path, page })}\n`);
    });
  }

  private start(): Helper {
    // mutool's print() goes through stdio, which holds a pipe's output until it fills: stdbuf (coreutils) sends each answer at its line's end.
    const child = spawn('stdbuf', ['-oL', this.command, 'run', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const helper: Helper = { child, stderr: [] };
    this.helper = helper;
    // An idle helper keeps no process alive; a request in flight does, by its timeout.
    child.unref();
    // The pipes are sockets: unref() is theirs, not in the stream types.
    for (const pipe of [child.stdin, child.stdout, child.stderr]) (pipe as unknown as Socket).unref();
    // A closed pipe (the helper died) is reported by 'exit'; the write's own error adds nothing.
    child.stdin.on('error', () => undefined);
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      helper.stderr.push(text);
      while (helper.stderr.join('').length > STDERR_KEPT && helper.stderr.length > 1) helper.stderr.shift();
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.answered(helper, line));
    child.on('error', (error: NodeJS.ErrnoException) => {
      this.forget(helper);
      this.fail(helper, error.code === 'ENOENT' ? new MutoolMissingError(`${this.command} is not installed (Debian: mupdf-tools)`) : error);
    });
    child.on('exit', (code, signal) => {
      this.forget(helper);
      // stdbuf's own exit status when it finds no such command to run.
      if (code === 127) return this.fail(helper, new MutoolMissingError(`${this.command} is not installed (Debian: mupdf-tools)`));
      const said = helper.stderr.join('').trim().slice(-STDERR_KEPT);
      this.fail(helper, new Error(`mutool stopped (${signal ?? `exit ${code}`})${said === '' ? '' : `: ${said}`}`));
    });
    return helper;
  }

  /** The next request starts a new helper. */
  private forget(helper: Helper): void {
    if (this.helper === helper) this.helper = undefined;
  }

  private answered(helper: Helper, line: string): void {
    const asked = this.asked;
    if (asked?.helper !== helper) return;
    let answer: (RawPage & { error?: undefined }) | { error: string };
    try {
      answer = JSON.parse(line);
    } catch {
      // Out of step with its requests: it is not asked again.
      this.forget(helper);
      helper.child.kill('SIGKILL');
      this.fail(helper, new Error(`mutool answered something that is not JSON: ${line.slice(0, 200)}`));
      return;
    }
    this.settle();
    if (answer.error !== undefined) asked.reject(new Error(answer.error.split('\n')[0]));
    else asked.resolve(answer as RawPage);
  }

  /** Fails the request in flight, if it went to `helper` (a helper killed earlier may report its end late). */
  private fail(helper: Helper, error: Error): void {
    const asked = this.asked;
    if (asked?.helper !== helper) return;
    this.settle();
    asked.reject(error);
  }

  private settle(): void {
    if (this.asked !== undefined) clearTimeout(this.asked.timer);
    this.asked = undefined;
  }
}
