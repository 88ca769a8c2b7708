import { Controller, Get, HttpException, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public, readCookie } from '@edoc/identity';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../config/identity-settings';
import { clientOf } from '../controllers/auth.controller';
import { clearOidcStateCookie, formCsrf, OIDC_STATE_COOKIE, setOidcStateCookie, setSessionCookies } from '../controllers/cookie-jar';
import { OidcSignInService } from '../services/oidc-sign-in.service';
import { continuePage, languageOf, loginPage, signedInPage } from './login-html';
import { checkedReturnUrl } from './checked-return';
import { sendPage } from './send-page';

/**
 * Single sign-on in the browser: /login/oidc sends it to the district's OpenID provider, which
 * sends it back to /login/oidc/callback. A refusal shows the sign-in page with its reason.
 */
@Controller('login/oidc')
export class OidcLoginController {
  constructor(
    private readonly singleSignOn: OidcSignInService,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  @Public()
  @Get()
  async begin(@Req() request: Request, @Res() response: Response, @Query('return') returnUrl?: string): Promise<void> {
    const back = checkedReturnUrl(returnUrl, this.settings.publicOrigins);
    try {
      const { redirect, state } = await this.singleSignOn.begin(back);
      setOidcStateCookie(response, state, 600, this.settings);
      response.setHeader('Cache-Control', 'no-store');
      response.redirect(303, redirect.href);
    } catch (error) {
      this.refusalPage(request, response, error);
    }
  }

  @Public()
  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const language = languageOf(undefined, request.headers['accept-language']);
    clearOidcStateCookie(response, this.settings);
    // The provider sent the browser to the registered address: read the answer against it, not the Host header.
    const url = new URL(request.originalUrl, 'http://callback.invalid');
    const callbackUrl = new URL(this.singleSignOn.redirectUri);
    callbackUrl.search = url.search;
    try {
      const { tokens, returnUrl } = await this.singleSignOn.finish(callbackUrl, readCookie(request.headers.cookie, OIDC_STATE_COOKIE), clientOf(request));
      setSessionCookies(response, tokens, this.settings);
      const page = returnUrl === undefined ? signedInPage(language, tokens.user.username) : continuePage(language, returnUrl);
      sendPage(response, 200, page, this.settings.publicOrigins);
    } catch (error) {
      this.refusalPage(request, response, error);
    }
  }

  /** The sign-in page again, with the reason (a provider that cannot be reached included: 503). */
  private refusalPage(request: Request, response: Response, error: unknown): void {
    if (!(error instanceof HttpException) || (error.getStatus() >= 500 && error.getStatus() !== 503)) throw error;
    const language = languageOf(undefined, request.headers['accept-language']);
    const csrf = formCsrf(request, response, this.settings);
    sendPage(response, error.getStatus(), loginPage({ language, csrf, problem: error.message, ...this.singleSignOn.pageOffer() }), this.settings.publicOrigins);
  }

}
