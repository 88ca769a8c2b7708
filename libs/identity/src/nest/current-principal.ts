import { createParamDecorator, InternalServerErrorException, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../principal';

/** The request field where the guard leaves the authenticated principal. */
export const PRINCIPAL_REQUEST_FIELD = 'principal';

export type RequestWithPrincipal = { [PRINCIPAL_REQUEST_FIELD]?: Principal };

/** Injects the authenticated Principal into a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<RequestWithPrincipal>()[PRINCIPAL_REQUEST_FIELD];
  // Only reachable on a @Public() route, where asking for a principal is a programming error.
  if (principal === undefined) throw new InternalServerErrorException('@CurrentPrincipal() used on a route without authentication');
  return principal;
});
