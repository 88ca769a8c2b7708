import { Controller, Get, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CSRF_COOKIE, Public, readCookie, RequestAuthenticator, TokenError } from '@edoc/identity';
import { CoverageService } from '../services/coverage.service';
import { dashboardAsset } from './dashboard-assets';
import { dashboardPage, notAdministratorPage, pageHeaders } from './html';
import { identityPublicUrl, signInUrl } from './sign-in-link';

type Language = 'vi' | 'en';

/**
 * The administrators' dashboard. The page checks the browser session itself (a navigation carries
 * the identity service's cookie, not a bearer header) and sends a visitor without one to the
 * identity service's sign-in page, which sends them back here. The figures come from
 * /dashboard/api/..., guarded like the rest of the API, which takes the same cookie.
 */
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly coverage: CoverageService,
  ) {}

  @Public()
  @Get()
  async page(@Req() request: Request, @Res() response: Response, @Query('lang') lang?: string): Promise<void> {
    const language = languageOf(lang, request);
    const here = `${request.protocol}://${request.headers.host ?? 'localhost'}${request.originalUrl}`;
    let principal;
    try {
      principal = (await this.authenticator.authenticate(request)).principal;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      response.redirect(303, signInUrl(here));
      return;
    }
    const signOut = { action: `${identityPublicUrl()}/logout`, csrf: readCookie(request.headers.cookie, CSRF_COOKIE) ?? '', returnUrl: here };
    if (!principal.roles.includes('admin')) return send(response, 403, notAdministratorPage(principal.username, signOut, language));
    send(response, 200, dashboardPage(principal.displayName || principal.username, this.coverage.today(), language, signOut));
  }

  @Public()
  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = dashboardAsset(name);
    if (asset === undefined) throw new NotFoundException(`no dashboard asset "${name}"`);
    response.setHeader('Content-Type', asset.contentType);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-cache');
    response.send(asset.body);
  }
}

function send(response: Response, status: number, html: string): void {
  response.status(status);
  for (const [name, value] of Object.entries(pageHeaders(identityPublicUrl()))) response.setHeader(name, value);
  response.send(html);
}

function languageOf(lang: string | undefined, request: Request): Language {
  if (lang === 'en' || lang === 'vi') return lang;
  return /^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'vi';
}
