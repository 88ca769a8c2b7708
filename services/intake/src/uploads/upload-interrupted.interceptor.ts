import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';

/** What multer and the staging streams say when the client stopped sending (went away, or was cut for being too slow). */
const INTERRUPTED = /^Request aborted$|premature close|ECONNRESET|aborted/i;

/**
 * An upload the client did not finish is the client's failure, not the service's: a 400 (nobody is
 * left to read it), where Nest would log a stack trace and answer 500. Placed before the file
 * interceptor, so it sees multer's errors.
 */
@Injectable()
export class UploadInterruptedInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
        const interrupted = (typeof message === 'string' && INTERRUPTED.test(message)) || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET';
        return throwError(() => (interrupted ? new BadRequestException('the upload was interrupted before it ended') : error));
      }),
    );
  }
}
