import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error to the EdocTransport unchanged. Nest's default filter turns every error
 * that is not an RpcException into "Internal server error", which would leave the dead-letter
 * queue without the real reason. Register it on the microservice:
 *
 *   app.useGlobalFilters(new EdocExceptionFilter());
 */
@Catch()
export class EdocExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
