import type { Logger } from '@nestjs/common';
import type { ServiceReadiness } from './readiness';

/**
 * Background work a service does every so often (scans, retries, reviews): only once the service
 * is ready, one run at a time (a run that outlasts the interval is not started twice), a failure
 * logged and tried again at the next tick, and a stop that waits for the run in progress.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly readiness: ServiceReadiness,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running !== undefined || !this.readiness.isReady()) return;
      this.running = this.run()
        .catch((error: Error) => this.logger.warn(`${this.what} failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
