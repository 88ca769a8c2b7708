import type { IncomingMessage } from 'node:http';
import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';

/** What multer and the staging streams say when the client stopped sending (went away, or was cut for being too slow). */
const INTERRUPTED = /^Request aborted$|premature close|ECONNRESET|aborted/i;

function soundsInterrupted(error: unknown): boolean {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  return (typeof message === 'string' && INTERRUPTED.test(message)) || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET';
}

/**
 * Whether the client's side of the request really ended early. The error's words alone do not say
 * so: PostgreSQL's "current transaction is aborted" and a database connection's ECONNRESET read the
 * same, and turning those into a 400 tells a careful client not to try again (the chaos suite lost
 * a document that way while PostgreSQL restarted).
 */
function requestCutShort(request: IncomingMessage | undefined): boolean {
  if (!request || request.complete) return false;
  return request.destroyed || request.readableAborted || request.socket?.destroyed === true;
}

/**
 * An upload the client did not finish is the client's failure, not the service's: a 400 (nobody is
 * left to read it), where Nest would log a stack trace and answer 500. Placed before the file
 * interceptor, so it sees multer's errors. Any other failure goes on as it was thrown.
 */
@Injectable()
export class UploadInterruptedInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<IncomingMessage | undefined>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        const interrupted = soundsInterrupted(error) && requestCutShort(request);
        return throwError(() => (interrupted ? new BadRequestException('the upload was interrupted before it ended') : error));
      }),
    );
  }
}
