import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenError } from '../errors';
import type { Role } from '../principal';
import { TokenVerifier } from '../token-verifier';
import { PRINCIPAL_REQUEST_FIELD, type RequestWithPrincipal } from './current-principal';
import { IS_PUBLIC_KEY, ROLES_KEY } from './metadata';

interface HttpRequest extends RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
}
interface HttpResponse {
  setHeader?(name: string, value: string): void;
  header?(name: string, value: string): void;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Registered globally by IdentityModule: every HTTP route needs a valid bearer token unless marked
 * @Public(), and the roles of @Roles(). Message handlers (non-HTTP contexts) are not its business.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    try {
      request[PRINCIPAL_REQUEST_FIELD] = await this.verifier.verify(bearerToken(request));
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
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

function bearerToken(request: HttpRequest): string {
  const raw = request.headers.authorization;
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (header === undefined || header.trim() === '') throw new TokenError('missing', 'missing bearer token: send "Authorization: Bearer <token>"');
  const match = BEARER.exec(header.trim());
  if (match === null) {
    const scheme = header.trim().split(/\s+/)[0];
    throw new TokenError('malformed', /^bearer$/i.test(scheme) ? 'the Authorization header holds no well-formed bearer token' : `the Authorization header must use the Bearer scheme, not "${scheme}"`);
  }
  return match[1];
}

function setHeader(response: HttpResponse, name: string, value: string): void {
  if (typeof response.setHeader === 'function') response.setHeader(name, value);
  else if (typeof response.header === 'function') response.header(name, value);
}
