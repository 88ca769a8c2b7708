import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UnauthorizedException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CSRF_COOKIE, CSRF_HEADER, CurrentPrincipal, type Principal, Public, readCookie, REFRESH_COOKIE } from '@edoc/identity';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../config/identity-settings';
import { SessionService } from '../services/session.service';
import { SignInService, SignInThrottledError } from '../services/sign-in.service';
import { clearSessionCookies, setSessionCookies } from './cookie-jar';
import { tokenAnswer } from './token-answer';

/**
 * Sign-in, refresh and sign-out over HTTP. A sign-in answers with the tokens (for programs: the
 * CLI, ward systems) and sets the browser cookies; a refresh takes its token from the body (and
 * answers in the body) or from the refresh cookie with the CSRF header (and answers in cookies).
 */
@Controller('auth')
export class AuthController {
  constructor(
    private readonly signIn: SignInService,
    private readonly sessions: SessionService,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Body() body: { username?: unknown; password?: unknown } | undefined) {
    // JSON only: a page of another site cannot send JSON without our consent (CORS), a form it can.
    if (!request.is('application/json')) throw new UnsupportedMediaTypeException('send {"username", "password"} as application/json');
    try {
      const tokens = await this.signIn.withPassword(body?.username, body?.password, clientOf(request));
      setSessionCookies(response, tokens, this.settings);
      response.setHeader('Cache-Control', 'no-store');
      return tokenAnswer(tokens);
    } catch (error) {
      if (error instanceof SignInThrottledError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Body() body: { refreshToken?: unknown } | undefined) {
    response.setHeader('Cache-Control', 'no-store');
    if (typeof body?.refreshToken === 'string' && body.refreshToken !== '') {
      return tokenAnswer(await this.sessions.refresh(body.refreshToken, clientOf(request)));
    }
    const cookie = readCookie(request.headers.cookie, REFRESH_COOKIE);
    if (cookie === undefined) throw new UnauthorizedException('no refresh token: send {"refreshToken"} or the refresh cookie');
    const header = request.headers[CSRF_HEADER];
    const csrf = Array.isArray(header) ? header[0] : header;
    if (csrf === undefined || csrf === '' || csrf !== readCookie(request.headers.cookie, CSRF_COOKIE)) {
      throw new UnauthorizedException(`a refresh with the cookie needs the X-CSRF-Token header (the value of the ${CSRF_COOKIE} cookie)`);
    }
    const tokens = await this.sessions.refresh(cookie, clientOf(request), csrf);
    setSessionCookies(response, tokens, this.settings);
    return { accessExpiresAt: tokens.accessExpiresAt.toISOString(), user: tokenAnswer(tokens).user };
  }

  /** Ends the session of the token (bearer, or cookie with the CSRF header); every service refuses it within a second. */
  @Post('logout')
  @HttpCode(200)
  async logout(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response) {
    const ended = await this.sessions.signOut(principal as Principal & { sessionId: string });
    clearSessionCookies(response, this.settings);
    return { signedOut: ended, sessionId: principal.sessionId };
  }

  /** Who the token says the caller is. */
  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

export function clientOf(request: Request): { address: string } {
  return { address: request.socket.remoteAddress ?? '' };
}
