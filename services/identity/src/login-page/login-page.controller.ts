import { randomBytes } from 'node:crypto';
import { Body, Controller, ForbiddenException, Get, HttpException, Inject, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { ACCESS_COOKIE, CSRF_COOKIE, Public, readCookie, TokenVerifier } from '@edoc/identity';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../config/identity-settings';
import { allowedReturnUrl } from '../domain/return-url';
import { SessionService } from '../services/session.service';
import { SignInService, SignInThrottledError } from '../services/sign-in.service';
import { clientOf } from '../controllers/auth.controller';
import { clearSessionCookies, setFormCsrfCookie, setSessionCookies } from '../controllers/cookie-jar';
import { languageOf, loginPage, pageHeaders, signedInPage } from './login-html';

const LOGIN_SCRIPT = join(__dirname, '..', '..', 'assets', 'login.js');

interface LoginForm {
  username?: unknown;
  password?: unknown;
  csrf?: unknown;
  return?: unknown;
}

/**
 * The browser's sign-in: a plain form (works without script) that sets the session cookies and
 * goes back to the edoc page that sent the browser here, which must be on a known service origin.
 * Forms carry the CSRF cookie's value, so no other site can post them.
 */
@Controller()
export class LoginPageController {
  private script: Buffer | undefined;

  constructor(
    private readonly signIn: SignInService,
    private readonly sessions: SessionService,
    private readonly verifier: TokenVerifier,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  @Public()
  @Get('login')
  page(@Req() request: Request, @Res() response: Response, @Query('return') returnUrl?: string, @Query('lang') lang?: string, @Query('signed-out') signedOut?: string): void {
    const language = languageOf(lang, request.headers['accept-language']);
    const back = this.checkedReturn(returnUrl);
    const csrf = readCookie(request.headers.cookie, CSRF_COOKIE) ?? this.newFormCsrf(response);
    send(response, 200, loginPage({ language, csrf, ...(back === undefined ? {} : { returnUrl: back }), ...(signedOut === '1' ? { notice: 'signed-out' as const } : {}) }), this.settings.publicOrigins);
  }

  @Public()
  @Post('login')
  async submit(@Req() request: Request, @Res() response: Response, @Body() form: LoginForm | undefined): Promise<void> {
    const language = languageOf(undefined, request.headers['accept-language']);
    const back = this.checkedReturn(form?.return);
    this.checkFormCsrf(request, form?.csrf);
    const username = typeof form?.username === 'string' ? form.username : '';
    const again = (status: number, problem: string) => send(response, status, loginPage({ language, csrf: String(form?.csrf), problem, username, ...(back === undefined ? {} : { returnUrl: back }) }), this.settings.publicOrigins);
    try {
      const tokens = await this.signIn.withPassword(username, form?.password, clientOf(request));
      setSessionCookies(response, tokens, this.settings);
      if (back === undefined) return send(response, 200, signedInPage(language, tokens.user.username), this.settings.publicOrigins);
      response.redirect(303, back);
    } catch (error) {
      if (error instanceof SignInThrottledError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
      if (error instanceof HttpException && error.getStatus() < 500) return again(error.getStatus(), error.message);
      throw error;
    }
  }

  /** Sign-out from a page's form: the session of the access cookie ends (everywhere), the cookies go. */
  @Public()
  @Post('logout')
  async logout(@Req() request: Request, @Res() response: Response, @Body() form: LoginForm | undefined): Promise<void> {
    const back = this.checkedReturn(form?.return);
    this.checkFormCsrf(request, form?.csrf);
    const token = readCookie(request.headers.cookie, ACCESS_COOKIE);
    if (token !== undefined) {
      // An expired cookie still names its session, and the signature proves we issued it.
      const verified = await this.verifier.verify(token, { allowExpired: true }).catch(() => undefined);
      if (verified !== undefined) await this.sessions.signOut(verified.principal);
    }
    clearSessionCookies(response, this.settings);
    response.redirect(303, `/login?signed-out=1${back === undefined ? '' : `&return=${encodeURIComponent(back)}`}`);
  }

  @Public()
  @Get('login/assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    if (name !== 'login.js') throw new NotFoundException(`no asset "${name}"`);
    this.script ??= readFileSync(LOGIN_SCRIPT);
    response.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-cache');
    response.send(this.script);
  }

  private checkedReturn(raw: unknown): string | undefined {
    if (raw === undefined || raw === '') return undefined;
    const url = allowedReturnUrl(raw, this.settings.publicOrigins);
    if (url === undefined) throw new ForbiddenException('the return address is not a page of this exchange (EDOC_PUBLIC_ORIGINS lists the allowed origins)');
    return url;
  }

  private checkFormCsrf(request: Request, sent: unknown): void {
    const cookie = readCookie(request.headers.cookie, CSRF_COOKIE);
    if (typeof sent !== 'string' || sent === '' || cookie === undefined || sent !== cookie) throw new ForbiddenException('the form is stale or did not come from this site: reload the page');
  }

  private newFormCsrf(response: Response): string {
    const token = randomBytes(24).toString('base64url');
    setFormCsrfCookie(response, token, this.settings);
    return token;
  }
}

function send(response: Response, status: number, html: string, returnOrigins: readonly string[]): void {
  response.status(status);
  for (const [name, value] of Object.entries(pageHeaders(returnOrigins))) response.setHeader(name, value);
  response.send(html);
}
