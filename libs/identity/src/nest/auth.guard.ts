import { ForbiddenException, Injectable, ServiceUnavailableException, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenError, VerificationKeysUnavailableError } from '../errors';
import type { Role } from '../principal';
import { PRINCIPAL_REQUEST_FIELD, type RequestWithPrincipal } from './current-principal';
import { IS_PUBLIC_KEY, ROLES_KEY } from './metadata';
import { RequestAuthenticator, type AuthenticatedRequest } from './request-authenticator';

interface HttpResponse {
  setHeader?(name: string, value: string): void;
  header?(name: string, value: string): void;
}

/**
 * Registered globally by IdentityModule: every HTTP route needs a valid access token (bearer header
 * or the browser session's cookie) whose session was not revoked, unless marked @Public(), and the
 * roles of @Roles(). Message handlers (non-HTTP contexts) are not its business.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest & RequestWithPrincipal>();
    const response = http.getResponse<HttpResponse>();
    try {
      request[PRINCIPAL_REQUEST_FIELD] = (await this.authenticator.authenticate(request)).principal;
    } catch (error) {
      if (error instanceof VerificationKeysUnavailableError) throw new ServiceUnavailableException(`${error.message}; try again shortly`);
      if (!(error instanceof TokenError)) throw error;
      if (error.problem === 'csrf') throw new ForbiddenException(error.message);
      // RFC 6750: tell the client which scheme is expected and what went wrong.
      const challenge = error.problem === 'missing' ? 'Bearer realm="edoc"' : `Bearer realm="edoc", error="invalid_token", error_description="${error.message.replace(/"/g, "'")}"`;
      setHeader(response, 'WWW-Authenticate', challenge);
      throw new UnauthorizedException(error.message);
    }

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const principal = request[PRINCIPAL_REQUEST_FIELD];
    if (required !== undefined && required.length > 0 && principal !== undefined && !required.some((role) => principal.roles.includes(role))) {
      throw new ForbiddenException(`this action needs the role ${required.join(' or ')}; ${principal.username} holds ${principal.roles.join(', ')}`);
    }
    return true;
  }
}

function setHeader(response: HttpResponse, name: string, value: string): void {
  if (typeof response.setHeader === 'function') response.setHeader(name, value);
  else if (typeof response.header === 'function') response.header(name, value);
}
