import { Injectable } from '@nestjs/common';
import { envInt } from '@edoc/config';
import { Priority } from '@edoc/contracts';

/**
 * How long a request may wait for its signer before the clerk and the signer are alerted: a working
 * day by default, an hour for KHẨN and above (EDOC_SIGNATURE_WAIT_MINUTES, EDOC_URGENT_SIGNATURE_WAIT_MINUTES).
 */
@Injectable()
export class SignatureWait {
  readonly normalMs = envInt('EDOC_SIGNATURE_WAIT_MINUTES', 8 * 60) * 60_000;
  readonly urgentMs = envInt('EDOC_URGENT_SIGNATURE_WAIT_MINUTES', 60) * 60_000;

  allowedMs(priority: Priority): number {
    return priority === Priority.NORMAL_UNSPECIFIED ? this.normalMs : this.urgentMs;
  }

  isOverdue(priority: Priority, requestedAt: Date, now: Date): boolean {
    return now.getTime() - requestedAt.getTime() > this.allowedMs(priority);
  }
}
