import { RpcException } from '@nestjs/microservices';

/**
 * Thrown by a handler for a message that can never succeed (it breaks a business rule, it names
 * something that does not exist): the message is dead-lettered at once with this error's message
 * as its reason, instead of being retried up to the delivery limit.
 *
 * It is an RpcException so that it reaches the transport intact even through Nest's default
 * exception filter, which replaces every other error by "Internal server error".
 */
export class PermanentMessageError extends RpcException {
  constructor(message: string) {
    super({ status: 'error', message, permanent: true });
    this.name = 'PermanentMessageError';
  }
}

/** The broker returned a mandatory message: no queue is bound for its exchange and routing key. */
export class UnroutableMessageError extends Error {
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
  ) {
    super(`unroutable: ${exchange === '' ? '(default exchange)' : exchange}/${routingKey}: no queue is bound for it`);
    this.name = 'UnroutableMessageError';
  }
}

/** The broker did not confirm a publish (nack, channel closed, timeout); it may or may not have arrived. */
export class PublishNotConfirmedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishNotConfirmedError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
