import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { envInt } from '@edoc/config';

/**
 * Bounds a graceful stop. On SIGTERM the service stops consuming, lets in-flight work finish and
 * closes HTTP; clients that keep their connections busy (uploads, retries) would hold HTTP open, so
 * after a grace period those connections are cut, and at the deadline the process exits whatever is
 * left: unacknowledged messages go back to the broker and the inbox makes their redelivery harmless.
 */
@Injectable()
export class ShutdownDeadline implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly graceMs = envInt('EDOC_SHUTDOWN_GRACE_MS', 3000);
  private readonly deadlineMs = envInt('EDOC_SHUTDOWN_DEADLINE_MS', 9000);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(signal?: string): void {
    if (signal === undefined) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    setTimeout(() => {
      this.logger.warn(`still busy after ${this.graceMs} ms: closing the remaining HTTP connections`);
      server?.closeAllConnections();
    }, this.graceMs).unref();
    setTimeout(() => {
      this.logger.error(`not stopped after ${this.deadlineMs} ms: exiting; unfinished messages return to the broker`);
      process.exit(1);
    }, this.deadlineMs).unref();
  }
}
