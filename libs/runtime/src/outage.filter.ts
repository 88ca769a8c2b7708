import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { describeHandlerError, isOutage } from '@edoc/messaging';

/**
 * An HTTP request that failed because the database or object storage cannot be reached gets a
 * 503 with Retry-After, not a 500: nothing is wrong with the request, and the client (with its
 * Idempotency-Key) may send it again. Everything else goes to Nest's own handling.
 */
@Catch()
export class OutageFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HTTP');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException || !isOutage(exception) || host.getType() !== 'http') {
      super.catch(exception, host);
      return;
    }
    this.logger.warn(`a dependency is unreachable: ${describeHandlerError(exception)}`);
    const response = host.switchToHttp().getResponse<Response>();
    response.setHeader('Retry-After', '5');
    response.status(503).json({ statusCode: 503, message: 'temporarily unavailable: a storage or database dependency cannot be reached; send the request again in a few seconds' });
  }
}
