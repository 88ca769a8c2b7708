import { lastValueFrom } from 'rxjs';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { ArgumentsHost } from '@nestjs/common';
import { decideOnFailure, describeHandlerError, EdocExceptionFilter, isOutage, isPermanent, PermanentMessageError } from '@edoc/messaging';

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

describe('isOutage', () => {
  it('recognises an unreachable database or socket, also as a cause', () => {
    expect(isOutage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isOutage(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isOutage(Object.assign(new Error('sorry, too many clients already'), { code: '53300' }))).toBe(true);
    expect(isOutage(new Error('storage failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }))).toBe(true);
  });

  it('does not take a handler error or a constraint violation for an outage', () => {
    expect(isOutage(new Error('invalid input syntax for type uuid: "x"'))).toBe(false);
    expect(isOutage(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isOutage('ECONNREFUSED')).toBe(false);
  });
});
