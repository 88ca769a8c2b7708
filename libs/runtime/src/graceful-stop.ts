import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { envInt } from '@edoc/config';
import { HttpDrain } from './http-drain';

/**
 * The first step of a stop: HTTP and the message consumers drain side by side. Nest closes HTTP
 * first and the consumers only once the last HTTP connection is gone: meanwhile they would keep
 * taking new messages, and the two waits would add up. After this the relay and the connections
 * close (onApplicationShutdown), all within ShutdownDeadline.
 */
@Injectable()
export class GracefulStop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  /** How long clients get to finish their requests before their connections are cut. */
  private readonly graceMs = envInt('EDOC_SHUTDOWN_GRACE_MS', 3000);
  private readonly drains = new Map<string, () => Promise<void>>();
  private http: HttpDrain | undefined;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server !== undefined) this.http = new HttpDrain(server);
  }

  /** Runs `drain` when a stop begins, beside HTTP's (e.g. the transport's close: stop consuming, let handlers finish). */
  drainOnStop(name: string, drain: () => Promise<void>): void {
    this.drains.set(name, drain);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`${signal ?? 'close'}: draining ${this.http?.inFlight ?? 0} HTTP request(s) and ${[...this.drains.keys()].join(', ') || 'nothing else'}`);
    const http = this.http;
    const drains = [...this.drains.entries()];
    if (http !== undefined) {
      drains.push(['HTTP', () => http.drain(this.graceMs, (requests) => this.logger.warn(`still busy after ${this.graceMs} ms: cutting the remaining HTTP connections (${requests} request(s) unanswered)`))]);
    }
    await Promise.all(drains.map(([name, drain]) => this.timed(name, drain)));
  }

  private async timed(name: string, drain: () => Promise<void>): Promise<void> {
    const began = Date.now();
    try {
      await drain();
      this.logger.log(`${name} drained in ${Date.now() - began} ms`);
    } catch (error) {
      this.logger.error(`${name} did not drain: ${(error as Error).message}`);
    }
  }
}
