import { Body, Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Principal, Public, TokenVerifier } from '@edoc/identity';
import { CoverageService } from '../services/coverage.service';
import { dashboardAsset } from './dashboard-assets';
import { dashboardPage, loginPage, PAGE_HEADERS } from './html';
import { clearedSessionCookie, looksLikeJwt, readCookie, secondsUntilExpiry, SESSION_COOKIE, sessionCookie } from './session-cookie';

type Language = 'vi' | 'en';

/**
 * The administrators' dashboard. The page and its login form are public routes that check the
 * session cookie themselves (a browser cannot send a bearer header on navigation); the figures
 * come from /dashboard/api/..., guarded like the rest of the API.
 */
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly coverage: CoverageService,
  ) {}

  @Public()
  @Get()
  async page(@Req() request: Request, @Res() response: Response, @Query('lang') lang?: string): Promise<void> {
    const language = languageOf(lang, request);
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (token === undefined) return send(response, 200, loginPage(undefined, language));
    const check = await this.admin(token);
    if (check.principal === undefined) {
      response.setHeader('Set-Cookie', clearedSessionCookie(request.secure));
      return send(response, 401, loginPage(check.problem, language));
    }
    send(response, 200, dashboardPage(check.principal.displayName || check.principal.username, this.coverage.today(), language));
  }

  @Public()
  @Post('login')
  async login(@Req() request: Request, @Res() response: Response, @Body() body: { token?: unknown } | undefined, @Query('lang') lang?: string): Promise<void> {
    const language = languageOf(lang, request);
    const token = typeof body?.token === 'string' ? body.token.trim() : '';
    const check = token === '' ? { problem: language === 'vi' ? 'Chưa nhập mã truy cập.' : 'No token was given.' } : await this.admin(token);
    if (check.principal === undefined) return send(response, 401, loginPage(check.problem, language));
    response.setHeader('Set-Cookie', sessionCookie(token, secondsUntilExpiry(token), request.secure));
    response.redirect(303, '/dashboard');
  }

  @Public()
  @Post('logout')
  logout(@Req() request: Request, @Res() response: Response): void {
    response.setHeader('Set-Cookie', clearedSessionCookie(request.secure));
    response.redirect(303, '/dashboard');
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

  /** The principal when the token is valid and holds the admin role; otherwise why not (never the token itself). */
  private async admin(token: string): Promise<{ principal?: Principal; problem?: string }> {
    if (!looksLikeJwt(token)) return { problem: 'This is not an access token (a JWT has three parts separated by dots).' };
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (error) {
      return { problem: `The token was refused: ${(error as Error).message}` };
    }
    if (!principal.roles.includes('admin')) return { problem: `${principal.username} is not an administrator: the dashboard needs the admin role.` };
    return { principal };
  }
}

function send(response: Response, status: number, html: string): void {
  response.status(status);
  for (const [name, value] of Object.entries(PAGE_HEADERS)) response.setHeader(name, value);
  response.send(html);
}

function languageOf(lang: string | undefined, request: Request): Language {
  if (lang === 'en' || lang === 'vi') return lang;
  return /^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'vi';
}
