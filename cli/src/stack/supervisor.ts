import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { ServiceName, serviceEntry } from './services';

interface Running {
  name: ServiceName;
  child: ChildProcess;
  log: WriteStream;
}

/**
 * Runs the services as child processes, one log file each, restarting one that dies
 * unexpectedly, and stopping all of them with SIGTERM (their graceful shutdown) on request.
 */
export class Supervisor {
  private readonly running = new Map<ServiceName, Running>();
  private stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly report: (line: string) => void,
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  start(name: ServiceName, port: number): void {
    const log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['--enable-source-maps', serviceEntry(name)], {
      env: { NO_COLOR: '1', ...this.env, EDOC_PORT: String(port), EDOC_SERVICE: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.on('exit', (code, signal) => {
      this.running.delete(name);
      log.end();
      if (this.stopping) return;
      this.report(`${name} exited (${signal ?? `code ${code}`}); restarting in 2 s — see ${join(this.logDir, `${name}.log`)}`);
      setTimeout(() => {
        if (!this.stopping) this.start(name, port);
      }, 2000).unref();
    });
    this.running.set(name, { name, child, log });
  }

  async stopAll(timeoutMs = 15_000): Promise<void> {
    this.stopping = true;
    const exits = [...this.running.values()].map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }
}
