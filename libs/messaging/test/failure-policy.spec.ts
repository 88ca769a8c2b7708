import { lastValueFrom } from 'rxjs';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { ArgumentsHost } from '@nestjs/common';
import { decideOnFailure, describeHandlerError, EdocExceptionFilter, isPermanent, PermanentMessageError } from '@edoc/messaging';

const policy = { deliveryLimit: 4, retryDelayMs: 100, maxRetryDelayMs: 300 };
const host = {} as ArgumentsHost;

describe('decideOnFailure', () => {
  it('retries with a growing, capped pause until the delivery limit', () => {
    const error = new Error('database is restarting');
    expect(decideOnFailure(error, 1, policy)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(decideOnFailure(error, 2, policy)).toEqual({ kind: 'retry', delayMs: 200 });
    expect(decideOnFailure(error, 3, policy)).toEqual({ kind: 'retry', delayMs: 300 });
    expect(decideOnFailure(error, 4, policy)).toEqual({ kind: 'dead-letter', reason: 'database is restarting (gave up after 4 attempts)' });
  });

  it('dead-letters a PermanentMessageError at once, with its message as reason', () => {
    expect(decideOnFailure(new PermanentMessageError('recipient 000.00.99.H41 does not exist'), 1, policy)).toEqual({
      kind: 'dead-letter',
      reason: 'recipient 000.00.99.H41 does not exist',
    });
  });

  it('still recognises a PermanentMessageError after Nest’s default exception filter', async () => {
    const filtered = new BaseRpcExceptionFilter().catch(new PermanentMessageError('no such register'), host);
    const error = await lastValueFrom(filtered).catch((caught: unknown) => caught);
    expect(isPermanent(error)).toBe(true);
    expect(describeHandlerError(error)).toBe('no such register');
  });

  it('EdocExceptionFilter passes the original error through', async () => {
    const original = new TypeError('cannot read properties of undefined');
    const error = await lastValueFrom(new EdocExceptionFilter().catch(original, host)).catch((caught: unknown) => caught);
    expect(error).toBe(original);
    expect(describeHandlerError(error)).toBe('TypeError: cannot read properties of undefined');
  });

  it('describes non-Error throwables readably', () => {
    expect(describeHandlerError({ status: 'error', message: 'Internal server error' })).toBe('Internal server error');
    expect(describeHandlerError({ code: 7 })).toBe('{"code":7}');
    expect(describeHandlerError('plain')).toBe('plain');
  });
});
