import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { envInt } from '@edoc/config';

/**
 * Bounds a graceful stop. On a signal the service stops consuming, lets in-flight work finish and
 * closes HTTP (GracefulStop), then its relay and connections; should any of that hang, at the
 * deadline the process exits whatever is left: unacknowledged messages go back to the broker and
 * the inbox makes their redelivery harmless.
 */
@Injectable()
export class ShutdownDeadline implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly deadlineMs = envInt('EDOC_SHUTDOWN_DEADLINE_MS', 9000);

  beforeApplicationShutdown(signal?: string): void {
    if (signal === undefined) return;
    // Not unref'd: a stop stuck on a promise that nothing will settle must end here, as a failure,
    // not as an exit 0 once the event loop has run dry. A finished stop exits before it fires.
    setTimeout(() => {
      this.logger.error(`not stopped after ${this.deadlineMs} ms: exiting; unfinished messages return to the broker (still open: ${openResources()})`);
      process.exit(1);
    }, this.deadlineMs);
  }
}

/** "TCPSocketWrap×3, Timeout×2": what keeps the process busy, for the operator who reads why it was cut. */
function openResources(): string {
  const counts = new Map<string, number>();
  for (const resource of process.getActiveResourcesInfo()) counts.set(resource, (counts.get(resource) ?? 0) + 1);
  return [...counts].map(([resource, count]) => `${resource}×${count}`).join(', ') || 'nothing';
}
