import { Body, Controller, ForbiddenException, Get, HttpException, Inject, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { ACCESS_COOKIE, CSRF_COOKIE, Public, readCookie, TokenVerifier } from '@edoc/identity';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../config/identity-settings';
import { SessionService } from '../services/session.service';
import { OidcSignInService } from '../services/oidc-sign-in.service';
import { SignInService, SignInThrottledError } from '../services/sign-in.service';
import { clientOf } from '../controllers/auth.controller';
import { clearSessionCookies, formCsrf, setSessionCookies } from '../controllers/cookie-jar';
import { languageOf, loginPage, signedInPage } from './login-html';
import { checkedReturnUrl } from './checked-return';
import { sendPage } from './send-page';

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
    private readonly singleSignOn: OidcSignInService,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  @Public()
  @Get('login')
  page(@Req() request: Request, @Res() response: Response, @Query('return') returnUrl?: string, @Query('lang') lang?: string, @Query('signed-out') signedOut?: string): void {
    const language = languageOf(lang, request.headers['accept-language']);
    const back = checkedReturnUrl(returnUrl, this.settings.publicOrigins);
    const csrf = formCsrf(request, response, this.settings);
    sendPage(response, 200, loginPage({ language, csrf, ...this.singleSignOn.pageOffer(), ...(back === undefined ? {} : { returnUrl: back }), ...(signedOut === '1' ? { notice: 'signed-out' as const } : {}) }), this.settings.publicOrigins);
  }

  @Public()
  @Post('login')
  async submit(@Req() request: Request, @Res() response: Response, @Body() form: LoginForm | undefined): Promise<void> {
    const language = languageOf(undefined, request.headers['accept-language']);
    const back = checkedReturnUrl(form?.return, this.settings.publicOrigins);
    this.checkFormCsrf(request, form?.csrf);
    const username = typeof form?.username === 'string' ? form.username : '';
    const again = (status: number, problem: string) => sendPage(response, status, loginPage({ language, csrf: String(form?.csrf), problem, ...this.singleSignOn.pageOffer(), username, ...(back === undefined ? {} : { returnUrl: back }) }), this.settings.publicOrigins);
    try {
      const tokens = await this.signIn.withPassword(username, form?.password, clientOf(request));
      setSessionCookies(response, tokens, this.settings);
      if (back === undefined) return sendPage(response, 200, signedInPage(language, tokens.user.username), this.settings.publicOrigins);
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
    const back = checkedReturnUrl(form?.return, this.settings.publicOrigins);
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

  private checkFormCsrf(request: Request, sent: unknown): void {
    const cookie = readCookie(request.headers.cookie, CSRF_COOKIE);
    if (typeof sent !== 'string' || sent === '' || cookie === undefined || sent !== cookie) throw new ForbiddenException('the form is stale or did not come from this site: reload the page');
  }
}
