import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { env, envInt } from '@edoc/config';
import type { PreflightRequest, PreflightResult } from './preflight-result';

/** Where the preflight writes a staged file without its active content. */
export function strippedPathOf(path: string): string {
  return `${path}.stripped`;
}

/**
 * The PDF engine's preflight of a staged upload, on a pool of worker threads (piscina): inspecting a
 * large or hostile file takes CPU for a while, which on intake's own thread would stall every other
 * request; each thread has a heap limit of its own; one that runs past the deadline is terminated
 * and the file refused (TOO_SLOW), one that runs out of heap has the file refused (OVER_BUDGET).
 * The threads stay up between uploads, so an upload does not pay for loading the engine.
 */
@Injectable()
export class PdfPreflight implements OnApplicationShutdown {
  readonly policy: 'refuse' | 'strip' = env('EDOC_ACTIVE_CONTENT_POLICY', 'refuse') === 'strip' ? 'strip' : 'refuse';
  private readonly deadlineMs = envInt('EDOC_PREFLIGHT_SECONDS', 60) * 1000;
  private readonly pool = new Piscina({
    filename: join(__dirname, 'preflight.worker.js'),
    // More threads than cores would only queue on the CPU, each with a heap of its own.
    maxThreads: envInt('EDOC_PREFLIGHT_CONCURRENCY', Math.max(1, availableParallelism())),
    minThreads: 0,
    idleTimeout: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });

  async inspect(path: string): Promise<PreflightResult> {
    const request: PreflightRequest = { path, policy: this.policy, strippedPath: strippedPathOf(path) };
    try {
      return (await this.pool.run(request, { signal: AbortSignal.timeout(this.deadlineMs) })) as PreflightResult;
    } catch (error) {
      const message = (error as Error).message;
      if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') {
        return { acceptable: false, refusals: [{ code: 'TOO_SLOW', reason: `not done after ${this.deadlineMs / 1000} s` }], signed: false };
      }
      // The thread ran out of its heap: the file asks for more memory than any real document needs.
      if (/memory/i.test(message)) return { acceptable: false, refusals: [{ code: 'OVER_BUDGET', reason: message }], signed: false };
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }
}
