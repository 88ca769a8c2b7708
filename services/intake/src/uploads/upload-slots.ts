import { CanActivate, ExecutionContext, Injectable, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { envInt } from '@edoc/config';
import { PRINCIPAL_REQUEST_FIELD, type RequestWithPrincipal } from '@edoc/identity';
import { PrometheusRegistry } from '@edoc/runtime';

/** Seconds a client is told to wait when every slot is taken: an upload of a few MB takes about that. */
const RETRY_AFTER_SECONDS = 5;

/**
 * How many submissions intake takes in at once, in all and per user. Each streams to a staging file
 * of up to the file limit, so the count bounds the disk and the I/O a burst of uploads can take, and
 * one clerk's script cannot take every slot.
 */
@Injectable()
export class UploadSlots implements OnModuleInit {
  constructor(private readonly prometheus: PrometheusRegistry) {}

  readonly total = envInt('EDOC_UPLOAD_CONCURRENCY', 8);
  readonly perUser = envInt('EDOC_UPLOAD_CONCURRENCY_PER_USER', 4);
  private inUse = 0;
  private readonly byUser = new Map<string, number>();

  onModuleInit(): void {
    // Operators see how close intake is to refusing uploads with 503.
    this.prometheus.registerGauge({
      name: 'edoc_uploads_in_progress',
      help: 'Submissions whose upload intake is taking in now (each holds an upload slot)',
      collect: () => [{ value: this.inUse }],
    });
  }

  /** Takes a slot for `user`, or says why there is none. */
  acquire(user: string): { release: () => void } | { refused: string } {
    const mine = this.byUser.get(user) ?? 0;
    if (mine >= this.perUser) return { refused: `${user} already has ${mine} uploads in progress, the most one user may have at once` };
    if (this.inUse >= this.total) return { refused: `intake is taking in ${this.inUse} uploads, as many as it takes at once` };
    this.inUse++;
    this.byUser.set(user, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inUse--;
        const left = (this.byUser.get(user) ?? 1) - 1;
        if (left === 0) this.byUser.delete(user);
        else this.byUser.set(user, left);
      },
    };
  }
}

/** Before any byte of the upload is read: a slot, or 503 with Retry-After; the slot is freed when the answer is sent. */
@Injectable()
export class UploadSlotsGuard implements CanActivate {
  constructor(private readonly slots: UploadSlots) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const response = context.switchToHttp().getResponse<Response>();
    const slot = this.slots.acquire(request[PRINCIPAL_REQUEST_FIELD]?.username ?? '(anonymous)');
    if ('refused' in slot) {
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException(`${slot.refused}; try again in ${RETRY_AFTER_SECONDS} s`);
    }
    response.once('close', slot.release);
    return true;
  }
}
