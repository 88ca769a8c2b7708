import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { env, envInt, type EdocConfig } from '@edoc/config';
import { EDOC_CONFIG, secretsDirOf } from '@edoc/runtime';

/**
 * Where the national axis is and how the gateway talks to it. Without an axis URL the gateway
 * still takes deliveries to outside organs and keeps them, pending, until an axis is configured.
 */
@Injectable()
export class AxisConfig {
  /** EDOC_AXIS_URL: the axis endpoint's base URL, e.g. https://axis.example.gov.vn/edoc/v1. */
  readonly url: string | undefined;
  /** Sent as a bearer token when the gateway's secrets folder holds `axis-token` (never logged). */
  readonly token: string | undefined;
  /** EDOC_AXIS_POLL_SECONDS (10): how often the gateway asks the axis what it holds for our units. */
  readonly pollMs: number;
  /** EDOC_AXIS_TIMEOUT_SECONDS (30): how long any call to the axis may take before it counts as failed. */
  readonly timeoutMs: number;
  /** EDOC_AXIS_MAX_ATTEMPTS (10): posts of one package or status message before it is dead. */
  readonly maxAttempts: number;
  /** EDOC_AXIS_RETRY_SECONDS (5): the wait after a first failed post, doubling after each next one. */
  readonly firstRetryMs: number;
  /** EDOC_AXIS_MAX_RETRY_SECONDS (600): the longest wait between two posts of one message. */
  readonly maxRetryMs: number;
  /** EDOC_AXIS_CONCURRENCY (4): posts in flight at once. */
  readonly concurrency: number;

  constructor(@Inject(EDOC_CONFIG) config: EdocConfig) {
    const url = env('EDOC_AXIS_URL');
    this.url = url === undefined || url === '' ? undefined : url.replace(/\/+$/, '');
    const tokenFile = join(secretsDirOf(config, 'gateway'), 'axis-token');
    this.token = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined;
    this.pollMs = envInt('EDOC_AXIS_POLL_SECONDS', 10) * 1000;
    this.timeoutMs = envInt('EDOC_AXIS_TIMEOUT_SECONDS', 30) * 1000;
    this.maxAttempts = envInt('EDOC_AXIS_MAX_ATTEMPTS', 10);
    this.firstRetryMs = envInt('EDOC_AXIS_RETRY_SECONDS', 5) * 1000;
    this.maxRetryMs = envInt('EDOC_AXIS_MAX_RETRY_SECONDS', 600) * 1000;
    this.concurrency = Math.max(1, envInt('EDOC_AXIS_CONCURRENCY', 4));
  }
}
